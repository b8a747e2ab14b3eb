"""The indicators of a group of structures for one year, as one JSON-ready object.

Shared by the `indicators` command, the `/api/v1/indicators/` endpoint and the pages. Counting
happens in SQL (a constant number of queries whatever the number of structures); the rules are the
pure functions of `calculations.py`.
"""

from siae_portal.reference import DEPARTEMENTS, EXIT_MOTIVES, FIRST_YEAR, LAST_YEAR, STRUCTURE_KINDS, departement_label

from .calculations import (
    BUILTIN_DEFINITIONS,
    complementary_indicators,
    compute_rate,
    counts_of,
    followup_rates,
    summarize,
    total_of,
)
from .selectors import motive_figures, positioning_counts


def build_report(structures, year: int, *, scope: dict | None = None, custom_definitions=()) -> dict:
    """The report of the issue: {"scope", "year", "exits", "rates"} plus "custom", "followup",
    "complementary" and "motives"; for a structure scope covered by an agreed convention that year,
    "objectives" (see `conventions.selectors.ObjectiveResult.as_dict`). Rates are floats between 0
    and 1, or None without denominator.

    `custom_definitions` are CustomRateDefinition instances (already filtered for the reader).
    Two queries: one GROUP BY motive over the exits, one over the prescribers' positionings."""
    figures = motive_figures(structures, year, year).get((), {})
    counts = counts_of(figures)
    summary = summarize(counts)
    rates = {code: compute_rate(counts, definition) for code, definition in BUILTIN_DEFINITIONS.items()}
    followup = {
        str(months): {**rate.as_dict(), "known": known}
        for months, (rate, known) in followup_rates(figures, rates["official"].denominator).items()
    }
    positionings = positioning_counts(structures, [year]).get(year, {})
    complementary = complementary_indicators(year, total_of(figures.values()), positionings)

    report = {
        "scope": scope if scope is not None else {"type": "selection"},
        "year": year,
        "exits": summary.as_dict(),
        "rates": {code: rate.as_dict() for code, rate in rates.items()},
        "custom": [_custom_rate(definition, counts) for definition in custom_definitions],
        "followup": followup,
        "complementary": complementary.as_dict(),
        "motives": {
            motive.code: {"total": counts[motive.code].total, "eligible": counts[motive.code].eligible}
            for motive in EXIT_MOTIVES
            if motive.code in counts
        },
    }
    if scope is not None and scope.get("type") == "structure":
        # The objectives an agreed convention sets for the year (docs/domain.md, « Conventions »).
        from conventions.selectors import objective_results

        results = objective_results(structures, year)
        if results:
            report["objectives"] = [result.as_dict() for rows in results.values() for result in rows]
    return report


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
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ScopeError(f"L'année {year} est hors de la plage acceptée ({FIRST_YEAR} à {LAST_YEAR}).", 400)
    return year


def select_scope(base, *, user=None, structure=None, departement=None, kind=None, network=None):
    """(structures, scope) for at most one filter over `base` (the structures the reader may see).

    With a `user`, a département or network the user cannot see is refused (404): it sees it when
    it is an administrator, its agent or advisor, or when it sees at least one structure in it."""
    from dossiers.models import Network
    from siae_portal.validators import has_siret_format, normalize_siret

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
