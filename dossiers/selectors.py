from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Structure


def get_structure_for_user(request, pk, *, write=False):
    """The structure if the user may see it (404 otherwise); with `write`, 403 unless it may edit it."""
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    if write and not request.user.has_perm("dossiers.change_structure", structure):
        raise PermissionDenied("Vous ne pouvez pas modifier cette structure.")
    return structure
