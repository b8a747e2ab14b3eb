"""Who sees and who edits custom rate definitions (exit records follow their structure: see
`dossiers.selectors.get_structure_for_user`)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import CustomRateDefinition


def definitions_visible_to(user):
    """Portal-wide definitions, those of the user's networks (advisor) and of the networks of its
    structures (SIAE staff, so they see what their network computes); all for administrators."""
    definitions = CustomRateDefinition.objects.select_related("network", "created_by")
    scope = user.scope
    if scope.is_admin:
        return definitions
    condition = Q(network__isnull=True) | Q(network_id__in=scope.network_ids)
    if scope.structure_ids:
        condition |= Q(network__structures__in=scope.structure_ids)
    return definitions.filter(condition).distinct()


def can_create_definitions(user) -> bool:
    return user.is_authenticated and (user.scope.is_admin or user.scope.is_advisor)


def get_definition_for_user(request, pk, *, write=False):
    definition = get_object_or_404(definitions_visible_to(request.user), pk=pk)
    if write and not request.user.has_perm("indicators.change_customratedefinition", definition):
        raise PermissionDenied("Vous ne pouvez pas modifier cette définition.")
    return definition
