"""The indicators of a group of structures for one year, as one JSON-ready object.

Shared by the `indicators` command, the `/api/v1/indicators/` endpoint and the pages. Counting
happens in SQL (a constant number of queries whatever the number of structures); the rules are the
pure functions of `calculations.py`.
"""

from datetime import date

from django.db.models import Sum

from siae_portal.reference import DEPARTEMENTS, EXIT_MOTIVES, PRESCRIBERS, STRUCTURE_KINDS, departement_label

from .calculations import (
    BUILTIN_DEFINITIONS,
    compute_rate,
    followup_rate_by_motive,
    followup_total,
    safe_ratio,
    summarize,
)
from .models import ExitRecord, PrescriberPositioning
from .selectors import FOLLOWUP_FIELDS, ExitFigures, counts_of, exit_figures_by, followups_of, total_of

PRESCRIBER_LABELS = dict(PRESCRIBERS)


def year_records(structures, year: int):
    """Exit records of `structures` with an exit date in `year` (both ends included)."""
    return ExitRecord.objects.filter(structure__in=structures, exit_date__range=(date(year, 1, 1), date(year, 12, 31)))


def build_report(structures, year: int, *, scope: dict | None = None, custom_definitions=()) -> dict:
    """The report of the issue: {"scope", "year", "exits", "rates"} plus "custom", "followup",
    "complementary" and "motives". Rates are floats between 0 and 1, or None without denominator.

    `custom_definitions` are CustomRateDefinition instances (already filtered for the reader).
    Two queries: one GROUP BY motive over the exits, one over the prescribers' positionings."""
    figures = exit_figures_by(year_records(structures, year)).get((), {})
    counts = counts_of(figures)
    summary = summarize(counts)
    rates = {code: compute_rate(counts, definition) for code, definition in BUILTIN_DEFINITIONS.items()}
    official_denominator = rates["official"].denominator

    followup = {}
    for months in FOLLOWUP_FIELDS:
        by_motive = followups_of(figures, months)
        followup[str(months)] = {
            **followup_rate_by_motive(by_motive, official_denominator).as_dict(),
            "known": followup_total(by_motive).known,
        }

    return {
        "scope": scope if scope is not None else {"type": "selection"},
        "year": year,
        "exits": summary.as_dict(),
        "rates": {code: rate.as_dict() for code, rate in rates.items()},
        "custom": [_custom_rate(definition, counts) for definition in custom_definitions],
        "followup": followup,
        "complementary": complementary_indicators(structures, year, total_of(figures.values())),
        "motives": {
            motive.code: {"total": counts[motive.code].total, "eligible": counts[motive.code].eligible}
            for motive in EXIT_MOTIVES
            if motive.code in counts
        },
    }


def _custom_rate(definition, counts) -> dict:
    return {
        "id": definition.pk,
        "label": definition.name,
        "description": definition.description,
        "network": definition.network.code if definition.network_id else None,
        "excluded_motives": sorted(definition.excluded_motives),
        "durable_requires_full_time": definition.durable_requires_full_time,
        **compute_rate(counts, definition.as_definition()).as_dict(),
    }


def complementary_indicators(structures, year: int, total: ExitFigures) -> dict:
    """Prescriber ratio, support hours and training per salarié (salariés = exits of the year),
    from the year's `ExitFigures` added up. One query (the positionings)."""
    salaries = total.count.total
    internal = float(total.support_hours_internal)
    external = float(total.support_hours_external)
    entries = total.training_entries
    actions = total.training_support_actions

    positionings = (
        PrescriberPositioning.objects.filter(structure__in=structures, year=year)
        .order_by()
        .values("prescriber")
        .annotate(positioned=Sum("positioned"), hired=Sum("hired"))
    )
    by_prescriber = {row["prescriber"]: row for row in positionings}
    prescribers = [
        {
            "prescriber": code,
            "label": label,
            "positioned": by_prescriber[code]["positioned"],
            "hired": by_prescriber[code]["hired"],
            "ratio": safe_ratio(by_prescriber[code]["hired"], by_prescriber[code]["positioned"]),
        }
        for code, label in PRESCRIBERS
        if code in by_prescriber
    ]
    positioned = sum(row["positioned"] for row in prescribers)
    hired = sum(row["hired"] for row in prescribers)
    return {
        "prescribers": {
            "by_prescriber": prescribers,
            "positioned": positioned,
            "hired": hired,
            "ratio": safe_ratio(hired, positioned),
        },
        "support_hours": {
            "salaries": salaries,
            "internal": round(internal, 2),
            "external": round(external, 2),
            "internal_per_salarie": _rounded(safe_ratio(internal, salaries)),
            "external_per_salarie": _rounded(safe_ratio(external, salaries)),
        },
        "training": {
            "entries": entries,
            "support_actions": actions,
            "entries_per_salarie": _rounded(safe_ratio(entries, salaries)),
            "support_actions_per_salarie": _rounded(safe_ratio(actions, salaries)),
        },
        "signed_statements": total.signed_statements,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- Scopes ---------------------------------------------------------------------------------------


class ScopeError(Exception):
    """A bad request (status 400) or a scope out of the reader's sight (status 404), in French."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def parse_year(value) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ScopeError(
            "Le paramètre « year » est obligatoire : une année sur quatre chiffres, par exemple 2009.", 400
        ) from None
    if not 1990 <= year <= 2100:
        raise ScopeError(f"L'année {year} est hors de la plage acceptée (1990 à 2100).", 400)
    return year


def select_scope(base, *, user=None, structure=None, departement=None, kind=None, network=None):
    """(structures, scope) for at most one filter over `base` (the structures the reader may see).

    With a `user`, a département or network the user cannot see is refused (404): it sees it when
    it is an administrator, its agent or advisor, or when it sees at least one structure in it."""
    from dossiers.models import Network
    from dossiers.validators import has_siret_format, normalize_siret

    given = {name: value for name, value in (("structure", structure), ("departement", departement),
             ("kind", kind), ("network", network)) if value not in (None, "")}  # fmt: skip
    if len(given) > 1:
        raise ScopeError(
            "Indiquez au plus un périmètre parmi « structure », « departement », « kind » et « network ».", 400
        )
    scope = user.scope if user is not None else None
    if structure:
        siret = normalize_siret(structure)
        if not has_siret_format(siret):
            raise ScopeError("Le paramètre « structure » doit être un SIRET de 14 chiffres.", 400)
        found = base.filter(siret=siret).first()
        if found is None:
            raise ScopeError(f"Aucune structure de votre périmètre ne porte le SIRET {siret}.", 404)
        return base.filter(pk=found.pk), structure_scope(found)
    if departement:
        code = departement.strip().upper()
        if code not in DEPARTEMENTS:
            raise ScopeError(f"Département inconnu : « {departement} ».", 400)
        structures = base.filter(departement=code)
        if scope and not (scope.is_admin or code in scope.departements or structures.exists()):
            raise ScopeError(f"Le département {code} est hors de votre périmètre.", 404)
        return structures, departement_scope(code, structures.count())
    if kind:
        code = kind.strip().upper()
        labels = dict(STRUCTURE_KINDS)
        if code not in labels:
            raise ScopeError(f"Type de structure inconnu : « {kind} » (EI, ETTI, AI ou ACI).", 400)
        structures = base.filter(kind=code)
        return structures, group_scope("kind", code, labels[code], structures.count())
    if network:
        found = Network.objects.filter(code__iexact=network.strip()).first()
        structures = base.filter(networks=found) if found else base.none()
        if found is None or (scope and not (scope.is_admin or found.pk in scope.network_ids or structures.exists())):
            raise ScopeError(f"Réseau inconnu ou hors de votre périmètre : « {network} ».", 404)
        return structures, group_scope("network", found.code, found.name, structures.count())
    return base, group_scope("all", None, "Toutes les structures du périmètre", base.count())


def structure_scope(structure) -> dict:
    return {
        "type": "structure",
        "siret": structure.siret,
        "name": structure.name,
        "kind": structure.kind,
        "departement": structure.departement,
        "structures": 1,
    }


def group_scope(kind: str, code: str | None, label: str, count: int) -> dict:
    return {"type": kind, "code": code, "label": label, "structures": count}


def departement_scope(code: str, count: int) -> dict:
    return group_scope("departement", code, departement_label(code), count)


def flatten(report: dict, prefix: str = "") -> list[tuple[str, object]]:
    """The report as (dotted key, value) pairs, for the CSV output; custom rates keyed by id."""
    pairs = []
    for key, value in report.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            pairs.extend(flatten(value, f"{name}."))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                item_key = item.get("id") or item.get("prescriber") or index if isinstance(item, dict) else index
                if isinstance(item, dict):
                    pairs.extend(flatten(item, f"{name}.{item_key}."))
                else:
                    pairs.append((f"{name}.{item_key}", item))
        else:
            pairs.append((name, value))
    return pairs
