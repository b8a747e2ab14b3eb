from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from siae_portal.reference import TARGET_DURABLE_RATE, TARGET_DYNAMIC_RATE

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
