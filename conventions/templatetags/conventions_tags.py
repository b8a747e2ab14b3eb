import rules
from django import template

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


@register.inclusion_tag("conventions/_convention_link.html")
def convention_link(structure):
    """A small link to the structure's current convention (the dashboard). One query."""
    from ..selectors import current_convention

    return {"convention": current_convention(structure)}
