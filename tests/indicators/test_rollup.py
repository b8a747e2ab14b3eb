"""The exit rollup stays equal to the raw exits whatever writes them (indicators/rollup.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from dossiers.models import Structure
from indicators import rollup
from indicators.importer import import_exits
from indicators.models import ExitRecord, ExitRollup
from indicators.selectors import _exits, exit_figures_by, motive_figures

MOTIVES = ["cdi_non_aide", "cdd_moins_6m", "chomage", "deces", "formation_qualifiante", "sans_nouvelle"]
SIRETS = ["73282932000074", "44306184100047"]


def make_structure(siret, kind="ACI"):
    return Structure.objects.create(name=f"S {siret}", siret=siret, kind=kind, departement="59", commune="Lille")


def record(structure, n, **values):
    values = {"entry_date": date(2009, 1, 5), "exit_date": date(2009, 6, 1), "exit_motive": "chomage", **values}
    return ExitRecord.for_bulk_create(structure=structure, reference=f"R-{n}", **values)


@pytest.mark.django_db
def test_every_write_keeps_the_rollup_exact():
    aci = make_structure(SIRETS[0])
    one = record(aci, 1, full_time=True, exit_motive="cdi_non_aide", situation_3_months="cdi_non_aide")
    one.save()
    assert rollup.differences() == []
    one.exit_date = date(2010, 2, 1)  # moves to another year
    one.save()
    ExitRecord.objects.bulk_create([record(aci, n, support_hours_internal=Decimal("1.5")) for n in range(2, 6)])
    ExitRecord.objects.filter(reference="R-2").update(exit_motive="deces")
    ExitRecord.objects.filter(reference__in=["R-3", "R-4"]).delete()
    ExitRecord.objects.get(reference="R-5").delete()
    assert rollup.differences() == []
    aci.kind = "AI"  # eligibility now by hours: nothing eligible
    aci.save()
    assert rollup.differences() == []
    assert not ExitRollup.objects.filter(eligible__gt=0).exists()
    call_command("check_rollup")
    ExitRollup.objects.all().update(total=99)
    with pytest.raises(CommandError, match="écart"):
        call_command("check_rollup")
    call_command("rebuild_rollup", structure=aci.siret)
    call_command("check_rollup")
    aci.delete()
    assert not ExitRollup.objects.exists()


@pytest.mark.django_db
def test_the_demo_seed_is_consistent():
    call_command("seed_demo", verbosity=0)
    call_command("check_rollup")
    assert ExitRollup.objects.exists()


def csv_of(rows):
    lines = ["reference;date_entree;date_sortie;motif_sortie;heures_travaillees;emploi_temps_plein;situation_3_mois"]
    for n, (year, motive, hours, full_time, situation) in rows:
        lines.append(f"IMP-{n};05/01/{year};30/09/{year};{motive};{hours};{'oui' if full_time else 'non'};{situation}")
    return ("\n".join(lines) + "\n").encode()


class RollupMachine(RuleBasedStateMachine):
    """Random creations, edits, deletions, imports and kind changes; after each step every figure
    read through the rollup equals the same figure computed from the raw exits."""

    @initialize()
    def structures(self):
        self.structures = [make_structure(siret, kind) for siret, kind in zip(SIRETS, ["ACI", "AI"], strict=True)]
        self.n = 0

    @rule(
        which=st.integers(0, 1),
        year=st.integers(2008, 2010),
        motive=st.sampled_from(MOTIVES),
        days=st.integers(10, 200),
        hours=st.one_of(st.none(), st.integers(0, 300)),
        full_time=st.one_of(st.none(), st.booleans()),
        situation=st.sampled_from(["", "chomage", "cdi_non_aide"]),
    )
    def create(self, which, year, motive, days, hours, full_time, situation):
        self.n += 1
        exit_date = date(year, 12, 1)
        record(
            self.structures[which],
            self.n,
            entry_date=date.fromordinal(exit_date.toordinal() - days),
            exit_date=exit_date,
            exit_motive=motive,
            hours_worked=hours,
            full_time=full_time,
            situation_6_months=situation,
            signed_statement=bool(days % 2),
            training_entries=days % 3,
        ).save()

    @precondition(lambda self: ExitRecord.objects.exists())
    @rule(pick=st.integers(0, 1000), motive=st.sampled_from(MOTIVES), year=st.integers(2008, 2010))
    def edit(self, pick, motive, year):
        records = list(ExitRecord.objects.order_by("pk"))
        chosen = records[pick % len(records)]
        chosen.exit_motive = motive
        chosen.exit_date = chosen.exit_date.replace(year=max(year, chosen.entry_date.year + 1))
        chosen.save()

    @precondition(lambda self: ExitRecord.objects.exists())
    @rule(pick=st.integers(0, 1000), many=st.booleans())
    def delete(self, pick, many):
        records = list(ExitRecord.objects.order_by("pk").values_list("pk", flat=True))
        if many:
            ExitRecord.objects.filter(pk__in=records[pick % len(records) :]).delete()
        else:
            ExitRecord.objects.get(pk=records[pick % len(records)]).delete()

    @rule(
        which=st.integers(0, 1),
        rows=st.lists(
            st.tuples(
                st.integers(0, 5),
                st.tuples(
                    st.integers(2008, 2009),
                    st.sampled_from(MOTIVES),
                    st.integers(0, 300),
                    st.booleans(),
                    st.sampled_from(["", "chomage"]),
                ),
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda row: row[0],
        ),
    )
    def import_file(self, which, rows):
        import_exits(self.structures[which], csv_of([(n, values) for n, values in rows]), "sorties.csv")

    @rule(which=st.integers(0, 1), kind=st.sampled_from(["ACI", "EI", "AI", "ETTI"]))
    def change_kind(self, which, kind):
        structure = Structure.objects.get(pk=self.structures[which].pk)
        structure.kind = kind
        structure.save()

    @invariant()
    def rollup_equals_raw(self):
        ids = [s.pk for s in self.structures]
        for groups in [(), ("structure",), ("year", "kind"), ("structure", "year")]:
            fields = [
                {"structure": "structure_id", "year": "exit_date__year", "kind": "structure__kind"}[g] for g in groups
            ]
            assert motive_figures(ids, 2008, 2010, *groups) == exit_figures_by(_exits(ids, 2008, 2010), *fields)
        assert rollup.differences() == []

    def teardown(self):
        Structure.objects.all().delete()  # the next example starts from an empty database


@pytest.mark.django_db
def test_random_writes_keep_the_rollup_exact():
    run_state_machine_as_test(
        RollupMachine,
        settings=settings(
            max_examples=15, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
