import pytest
from django.core.management import call_command

from conventions.models import Convention
from conventions.selectors import objective_results
from dossiers.models import Structure

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_every_structure_an_agreed_convention_with_every_outcome():
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    structures = Structure.objects.all()
    agreed = Convention.objects.filter(status="agreed", first_year=2007, last_year=2009)
    assert agreed.count() == structures.count()
    assert all(c.agreed_by.scope.departements == {c.structure.departement} for c in agreed.select_related("structure"))
    assert Convention.objects.filter(status="proposed", first_year=2010, last_year=2012).count() == 1
    statuses = {r.status for rows in objective_results(structures, 2009).values() for r in rows}
    assert {"reached", "missed", "within_margin"} <= statuses
