from django import template
from django.urls import reverse
from django.utils.formats import localize, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from siae_portal.reference import TARGET_DURABLE_RATE, TARGET_DYNAMIC_RATE, departement_label

from .. import charts
from ..dashboards import structure_year_rates

register = template.Library()


@register.filter
def percent(value, digits=1):
    """A rate (0-1, a `Rate`, or None) as French users read it ("58,8 %"), or "pas de taux"."""
    value = getattr(value, "rate", value)
    if value is None or value == "":
        return "pas de taux"
    # Round first: Django's number_format truncates floats (1/6 would read 16,6 %).
    return f"{number_format(round(value * 100, int(digits)), int(digits))}\u00a0%"


@register.filter
def below(rate, target):
    """True when the rate (0-1 or a `Rate`) and the target exist and the rate misses it."""
    value = getattr(rate, "rate", rate)
    return value is not None and target is not None and value < float(target)


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def rate_cell(rate, target):
    """A rate with its fraction, flagged (in words for screen readers) when under `target`."""
    if rate is None or rate.rate is None:
        return mark_safe('<span class="text-body-secondary">pas de taux</span>')
    text = percent(rate.rate)
    if rate.rate < float(target):
        text = format_html(
            '<span class="text-danger fw-semibold">{} <span class="visually-hidden">(sous l\'objectif)</span>'
            '<span aria-hidden="true">▼</span></span>',
            text,
        )
    return format_html('{} <small class="text-body-secondary">({}/{})</small>', text, rate.numerator, rate.denominator)


# The objective column of the structures table.
_BELOW = mark_safe('<span class="badge text-bg-warning">sous l\'objectif</span>')
_NO_RATE = mark_safe('<span class="text-body-secondary">pas de taux</span>')
_REACHED = mark_safe('<span class="badge text-bg-success">atteints</span>')


@register.simple_tag
def structure_table_row(row, year, targets):
    """One row of a dashboard's structures table (a `StructureRow`): the structure with its link,
    kind, département, exits, the rates against their target, and whether the targets are met.
    Drawn here rather than in the template: a page of 50 rows cost about 30 ms of template
    rendering, the largest part of the dashboard."""
    rates = row.rates
    below = rates.below_target
    url = reverse("indicators:structure_dashboard", args=[row.pk])
    cells = [
        rate_cell(rates.official, targets["dynamic"]),
        rate_cell(rates.uriae, targets["dynamic"]),
        rate_cell(rates.durable, targets["durable"]),
        *(rate_cell(rate, targets["dynamic"]) for _, rate in rates.custom),
    ]
    verdict = _BELOW if below else _NO_RATE if rates.official.rate is None else _REACHED
    return format_html(
        '<tr{}>\n<th scope="row"><a href="{}?year={}">{}</a></th><td>{}</td><td>{}</td>'
        '<td class="text-end">{}</td><td class="text-end">{}</td>{}<td>{}</td>\n</tr>',
        mark_safe(' class="table-warning"') if below else "",
        url,
        year,
        row.name,
        row.kind,
        departement_label(row.departement) if row.departement else "",
        localize(rates.summary.total),
        localize(rates.summary.eligible),
        format_html_join("", '<td class="text-end">{}</td>', ((cell,) for cell in cells)),
        verdict,
    )


@register.inclusion_tag("indicators/_structure_indicators_panel.html")
def structure_indicators(structure, years, print=False):
    """The three built-in rates of `structure` for `years` (e.g. the three years before a
    campaign), compactly. One query. `print`: for the PDF summary, with the rates chart (inline
    SVG) and without links."""
    rows = structure_year_rates(structure, list(years))
    chart = ""
    if print and rows:
        chart = charts.rate_bars(
            [year for year, _ in rows],
            [
                ("Officiel", [rates.official.rate for _, rates in rows]),
                ("URIAE", [rates.uriae.rate for _, rates in rows]),
                ("Emploi durable", [rates.durable.rate for _, rates in rows]),
            ],
            charts.TARGETS,
            title=f"Taux de sortie de {structure.name} par année",
        )
    return {
        "structure": structure,
        "rows": rows,
        "target_dynamic": TARGET_DYNAMIC_RATE,
        "target_durable": TARGET_DURABLE_RATE,
        "print": print,
        "chart": mark_safe(chart),
    }


# How many structures with signals the home page panel lists before pointing to the full page.
HOME_WATCHLIST_SIZE = 5


@register.inclusion_tag("indicators/_home_watchlist.html", takes_context=True)
def home_watchlist(context):
    """The home page panel of advisors, agents and administrators: the first structures of their
    scope with signals (last complete year), when they were computed (the panel is cached, see
    watchlist.PANEL_CACHE_SECONDS), and a link to the Structures à suivre page."""
    from ..dashboards import default_year
    from ..watchlist import panel_summary

    user = context["request"].user
    scope = user.scope
    if not (scope.is_admin or scope.is_advisor or scope.is_agent):
        return {"show": False}
    year = default_year()
    summary = panel_summary(user, year, HOME_WATCHLIST_SIZE)
    return {"show": True, "year": year, "summary": summary}
