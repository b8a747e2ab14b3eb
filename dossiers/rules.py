"""Object permissions (django-rules). Visibility itself is decided by `visible_to(user)` querysets:
these rules only say what a user who sees an object may do with it."""

import rules


@rules.predicate
def is_portal_admin(user):
    return user.is_authenticated and user.scope.is_admin


@rules.predicate
def is_structure_editor(user, structure):
    return structure is not None and structure.pk in user.scope.editor_structure_ids


rules.add_perm("dossiers.change_structure", is_portal_admin | is_structure_editor)
rules.add_perm("dossiers.change_structure_identity", is_portal_admin)
# Opening (creating) a structure's dossier for a campaign.
rules.add_perm("dossiers.open_dossier", is_portal_admin | is_structure_editor)


# --- Dossiers -----------------------------------------------------------------------------------


def dossier_roles(user, dossier) -> frozenset:
    """The workflow roles (see `dossiers.workflow`) a user holds towards a dossier it can see.
    An administrator holds them all, to unblock any situation."""
    from .workflow import ADVISOR, AGENT, SIAE

    scope = user.scope
    if scope.is_admin:
        return frozenset({SIAE, ADVISOR, AGENT})
    roles = set()
    if dossier.structure_id in scope.editor_structure_ids:
        roles.add(SIAE)
    if scope.network_ids and scope.network_ids & _structure_network_ids(dossier.structure):
        roles.add(ADVISOR)
    if dossier.structure.departement in scope.departements:
        roles.add(AGENT)
    return frozenset(roles)


def _structure_network_ids(structure) -> set:
    # Cached on the instance: several rules ask within one request.
    if not hasattr(structure, "_network_ids"):
        structure._network_ids = set(structure.networks.values_list("pk", flat=True))
    return structure._network_ids


@rules.predicate
def can_edit_dossier(user, dossier):
    from .workflow import SIAE

    return dossier is not None and dossier.is_editable_status and SIAE in dossier_roles(user, dossier)


@rules.predicate
def can_comment_dossier(user, dossier):
    from .workflow import ADVISOR, AGENT

    return dossier is not None and bool({ADVISOR, AGENT} & dossier_roles(user, dossier))


rules.add_perm("dossiers.change_dossier", can_edit_dossier)
rules.add_perm("dossiers.comment_dossier", can_comment_dossier)
