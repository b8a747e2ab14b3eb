import rules
from django import template
from django.utils.safestring import mark_safe

from ..models import Convention

register = template.Library()


@register.inclusion_tag("conventions/_structure_conventions.html", takes_context=True)
def structure_conventions(context, structure):
    """The structure page's and dossier page's panel: the structure's conventions (it is already
    visible to the reader) and, for its editors, the link to propose one. One query."""
    user = context["request"].user
    return {
        "structure": structure,
        "conventions": list(Convention.objects.filter(structure=structure).order_by("-first_year", "-pk")),
        "can_propose": rules.has_perm("conventions.propose_convention", user, structure),
    }


@register.inclusion_tag("conventions/_convention_tracking.html")
def convention_tracking_panel(structure, print=False):
    """The structure's current convention, objective against actual year by year, and its
    trajectory chart: on its dashboard, its dossier page and (`print`: no links) the PDF summary.
    The structure is already visible to the reader. Four queries, one without a convention."""
    from ..tracking import convention_panel

    panel = convention_panel(structure)
    chart = mark_safe(panel.pop("chart", ""))  # noqa: S308 - built by indicators/charts.py, every text escaped
    return {"structure": structure, "print": print, "chart": chart, **panel}
