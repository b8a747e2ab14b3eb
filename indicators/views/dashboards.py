"""Dashboards: one structure's indicators, and the table of the structures a user follows
(network for an advisor, département for an agent, everything for an administrator)."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from dossiers.models import Structure
from dossiers.selectors import get_structure_for_user
from siae_portal.exports import export_response
from siae_portal.pagination import TABLE_PAGE_SIZE, paginate
from siae_portal.reference import EXIT_CATEGORIES, TARGET_DURABLE_RATE, TARGET_DYNAMIC_RATE, departement_label

from .. import charts, dashboards
from ..calculations import BUILTIN_DEFINITIONS, RateSet
from ..forms.dashboards import SORT_CHOICES, DashboardFilterForm, YearForm
from ..models import FollowUp
from ..selectors import latest_exit_year

CATEGORY_SHORT = [
    ("durable", "Durable"),
    ("transition", "Transition"),
    ("positive", "Positive"),
    ("other", "Autre"),
    ("retrait", "Retrait"),
]


def _csv_cell(value):
    """A rate as French spreadsheets read it ("58,8"), empty when there is no rate."""
    if not hasattr(value, "rate"):
        return value
    return "" if value.rate is None else f"{value.rate * 100:.1f}".replace(".", ",")


def _xlsx_cell(value):
    if not hasattr(value, "rate"):
        return value
    return None if value.rate is None else round(value.rate * 100, 1)


def _export(request, filename, header, rows, title):
    """`?format=csv` or `?format=xlsx` on a dashboard downloads its table; None otherwise."""
    return export_response(request, filename, header, rows, title=title, csv_cell=_csv_cell, xlsx_cell=_xlsx_cell)


def _yes_no(rates):
    return "oui" if rates.below_target else "non"


def _counts_header(definitions):
    return [
        "sorties",
        "sorties éligibles",
        "retraits",
        "emploi durable",
        "emploi de transition",
        "sorties positives",
        "autres sorties",
        *(f"{d.label} (%)" for d in definitions),
    ]


def _counts_cells(rates: RateSet):
    s = rates.summary
    counts = [s.total, s.eligible, s.retraits, s.durable, s.transition, s.positive, s.other]
    return counts + [rates.rates[d.code] for d in rates.definitions]


@require_GET
def structure_dashboard(request, pk):
    structure = get_structure_for_user(request, pk)
    form = YearForm(data=request.GET or None)
    year = form.selected_year(lambda: latest_exit_year(Structure.objects.filter(pk=structure.pk)))
    data = dashboards.structure_dashboard(structure, request.user, year)
    definitions = data["definitions"]

    download = _export(
        request,
        f"indicateurs-{structure.siret}-{data['years'][0]}-{data['year']}",
        ["année", *_counts_header(definitions)],
        ([year, *_counts_cells(data["per_year"][year])] for year in data["years"]),
        title="Indicateurs",
    )
    if download:
        return download

    years = data["years"]
    per_year = data["per_year"]
    comparison = data["comparison"]
    peer_label = f"{structure.kind} du {departement_label(structure.departement)}"
    rate_chart = charts.rate_bars(
        years,
        [
            ("Officiel", [per_year[y].official.rate for y in years]),
            ("URIAE", [per_year[y].uriae.rate for y in years]),
            ("Emploi durable", [per_year[y].durable.rate for y in years]),
        ],
        charts.TARGETS,
        title=f"Taux de sortie de {structure.name} par année",
    )
    category_chart = charts.stacked_categories(
        [(str(y), per_year[y].category_counts()) for y in years],
        CATEGORY_SHORT,
        title=f"Sorties éligibles de {structure.name} par catégorie et par année",
    )
    comparison_chart = charts.trend_lines(
        years,
        [
            (f"{structure.name} (officiel)", [per_year[y].official.rate for y in years]),
            (f"Ensemble des {peer_label} (officiel)", [comparison[y].official.rate for y in years]),
        ],
        {"objectif dynamique": TARGET_DYNAMIC_RATE},
        title=f"Taux officiel de {structure.name} comparé à l'ensemble des {peer_label}",
    )
    return render(
        request,
        "indicators/structure_dashboard.html",
        {
            **data,
            "structure": structure,
            "form": form,
            "peer_label": peer_label,
            "peer_current": comparison[data["year"]],
            "rate_chart": mark_safe(rate_chart),  # noqa: S308 - built by charts.py, every text escaped
            "category_chart": mark_safe(category_chart),  # noqa: S308
            "comparison_chart": mark_safe(comparison_chart),  # noqa: S308
            "rows": [(year, per_year[year], comparison[year]) for year in years],
            "category_labels": dict(EXIT_CATEGORIES),
            "targets": {"dynamic": TARGET_DYNAMIC_RATE, "durable": TARGET_DURABLE_RATE},
            "querystring": request.GET.urlencode(),
            "follow_ups": list(
                FollowUp.objects.visible_to(request.user).filter(structure=structure).select_related("author")[:10]
            ),
        },
    )


def _scope_title(scope):
    if scope.is_admin:
        return "Indicateurs de toutes les structures"
    if scope.is_advisor and not (scope.is_agent or scope.is_siae):
        return "Indicateurs des structures de votre réseau"
    if scope.is_agent and not (scope.is_advisor or scope.is_siae):
        return "Indicateurs des structures de votre département"
    if scope.is_siae and not (scope.is_advisor or scope.is_agent):
        return "Indicateurs de vos structures"
    return "Indicateurs des structures que vous suivez"


@require_GET
def network_dashboard(request):
    scope = request.user.scope
    if scope.is_siae and not (scope.is_admin or scope.is_advisor or scope.is_agent) and len(scope.structure_ids) == 1:
        url = reverse("indicators:structure_dashboard", args=[next(iter(scope.structure_ids))])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)

    form = DashboardFilterForm(data=request.GET or None, user=request.user)
    structures = form.filter(Structure.objects.visible_to(request.user))
    year, sort = form.selected_year(lambda: latest_exit_year(structures)), form.selected_sort
    definitions = dashboards.rate_definitions(request.user)
    rows = dashboards.structures_table(structures, year, definitions, sort)

    download = _export(
        request,
        f"indicateurs-structures-{year}",
        ["structure", "SIRET", "type", "département", *_counts_header(definitions), "sous l'objectif"],
        (
            [row.name, row.siret, row.kind, row.departement, *_counts_cells(row.rates), _yes_no(row.rates)]
            for row in rows
        ),
        title=f"Indicateurs {year}",
    )
    if download:
        return download

    trend = dashboards.trends(structures, rows, year, definitions)
    trend_years = trend["years"]
    trend_chart = charts.trend_lines(
        trend_years,
        [
            ("Officiel", [trend["overall"][y].official.rate for y in trend_years]),
            ("URIAE", [trend["overall"][y].uriae.rate for y in trend_years]),
            ("Emploi durable", [trend["overall"][y].durable.rate for y in trend_years]),
        ],
        charts.TARGETS,
        title="Évolution des taux de sortie de l'ensemble des structures sélectionnées",
    )
    kind_chart = charts.trend_lines(
        trend_years,
        [
            (kind, [by_year[y].official.rate if y in by_year else None for y in trend_years])
            for kind, by_year in trend["per_kind"].items()
        ],
        {"objectif dynamique": TARGET_DYNAMIC_RATE},
        title="Évolution du taux de sortie dynamique officiel par type de structure",
    )

    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    columns = []
    current_key, descending = sort.lstrip("-"), sort.startswith("-")
    for key, label in SORT_CHOICES:
        link = params.copy()
        link["sort"] = f"-{key}" if key == current_key and not descending else key
        columns.append(
            {
                "key": key,
                "label": label,
                "query": link.urlencode(),
                "aria_sort": ("descending" if descending else "ascending") if key == current_key else None,
            }
        )
    page = paginate(request, rows, TABLE_PAGE_SIZE)
    return render(
        request,
        "indicators/network_dashboard.html",
        {
            "title": _scope_title(scope),
            "form": form,
            "year": year,
            "page": page,
            "rows_count": len(rows),
            "below_count": sum(1 for row in rows if row.rates.below_target),
            "columns": {column["key"]: column for column in columns},
            "custom_definitions": [d for d in definitions if d.code not in BUILTIN_DEFINITIONS],
            "totals": trend["totals"],
            "overall": trend["overall"][year],
            "trend_chart": mark_safe(trend_chart),  # noqa: S308 - built by charts.py, every text escaped
            "kind_chart": mark_safe(kind_chart),  # noqa: S308
            "querystring": params.urlencode(),
            "targets": {"dynamic": TARGET_DYNAMIC_RATE, "durable": TARGET_DURABLE_RATE},
        },
    )
