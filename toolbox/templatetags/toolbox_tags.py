from django import template
from django.db.models import Case, IntegerField, Value, When

from ..models import Axis, Resource

register = template.Library()

MAX_SUGGESTIONS = 5


@register.inclusion_tag("toolbox/includes/suggestions.html")
def toolbox_suggestions(axis, structure, user):
    """ "Outils utiles pour cet axe": up to 5 published resources the user may see, for this axis (the
    axis's own first, then transversal ones) and the structure's kind. One query (plus the user's scope
    if not loaded yet). `axis` is 1-4 (int or str) or an object with a `number`."""
    axis = Axis.from_value(axis)
    resources = []
    if axis is not None and structure is not None and user is not None and user.is_authenticated:
        queryset = Resource.objects.visible_to(user).published().for_kind(structure.kind).for_axis(axis)
        resources = list(
            queryset.with_provider()
            .annotate(
                transversal=Case(
                    When(axis=Axis.TRANSVERSAL, then=Value(1)), default=Value(0), output_field=IntegerField()
                )
            )
            .order_by("transversal", "-download_count", "-published_at", "-pk")[:MAX_SUGGESTIONS]
        )
    return {"resources": resources, "axis": axis, "structure": structure}
