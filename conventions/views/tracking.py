"""Suivi des conventions: the objectives of the year of every structure an advisor (its networks),
an agent (its département) or an administrator (all) follows, against the actual values."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.watchlist import watched_structures
from siae_portal.exports import export_response
from siae_portal.pagination import TABLE_PAGE_SIZE, paginate

from ..calculations import OVERALL_LABELS
from ..tracking import SORT_CHOICES, TrackingFilterForm, tracking_rows

EXPORT_HEADER = [
    "structure",
    "SIRET",
    "type",
    "département",
    "année",
    "indicateur",
    "définition",
    "objectif",
    "réalisé",
    "numérateur",
    "dénominateur",
    "écart",
    "une sortie vaut",
    "statut",
    "bilan de la structure",
]


def _require_follower(request):
    scope = request.user.scope
    if not (scope.is_admin or scope.is_advisor or scope.is_agent):
        raise Http404  # SIAE staff and users without a role: not a page of theirs (as Structures à suivre)


def _value(result, value, fmt):
    """A target, actual, gap or step in the download: points of percentage for a rate ("58,8" in
    CSV, 58.8 in XLSX), a number of exits otherwise; empty when not measured."""
    if value is None:
        return "" if fmt == "csv" else None
    number = round(value * 100, 1) if result.is_rate else round(value, 1)
    if not result.is_rate and float(number).is_integer():
        number = int(number)
    return str(number).replace(".", ",") if fmt == "csv" else number


def export_rows(rows, fmt: str):
    """One line per objective of each row (a long table: optional objectives fit in it)."""
    for row in rows:
        for result in row.results:
            yield [
                row.name,
                row.siret,
                row.kind,
                row.departement,
                result.year,
                result.indicator if not result.custom_definition_id else f"{result.indicator} ({result.key})",
                result.definition + (" (en %)" if result.is_rate else ""),
                _value(result, result.target, fmt),
                _value(result, result.actual, fmt),
                result.numerator,
                result.denominator,
                _value(result, result.gap, fmt),
                _value(result, result.step, fmt),
                result.status_label,
                OVERALL_LABELS[row.status],
            ]


def _columns(request, sort):
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    columns = {}
    current, descending = sort.lstrip("-"), sort.startswith("-")
    for key, label in SORT_CHOICES:
        link = params.copy()
        link["sort"] = f"-{key}" if key == current and not descending else key
        columns[key] = {
            "key": key,
            "label": label,
            "query": link.urlencode(),
            "aria_sort": ("descending" if descending else "ascending") if key == current else None,
        }
    return columns, params.urlencode()


def _title(scope):
    if scope.is_admin:
        return "Suivi des conventions de toutes les structures"
    if scope.is_advisor and not scope.is_agent:
        return "Suivi des conventions des structures de votre réseau"
    if scope.is_agent and not scope.is_advisor:
        return "Suivi des conventions des structures de votre département"
    return "Suivi des conventions des structures que vous suivez"


@require_GET
def tracking_list(request):
    _require_follower(request)
    form = TrackingFilterForm(data=request.GET or None, user=request.user)
    year, sort, status = form.selected_year(), form.selected_sort, form.selected_status
    rows = tracking_rows(form.filter(watched_structures(request.user)), year, status=status, sort=sort)

    fmt = request.GET.get("format")
    download = export_response(
        request, f"suivi-conventions-{year}", EXPORT_HEADER, export_rows(rows, fmt), title=f"Conventions {year}"
    )
    if download:
        return download

    columns, querystring = _columns(request, sort)
    counts = {key: 0 for key in OVERALL_LABELS}
    for row in rows:
        counts[row.status] += 1
    return render(
        request,
        "conventions/tracking_list.html",
        {
            "title": _title(request.user.scope),
            "form": form,
            "year": year,
            "page": paginate(request, rows, TABLE_PAGE_SIZE),
            "rows_count": len(rows),
            "counts": counts,
            "columns": columns,
            "querystring": querystring,
        },
    )
