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
