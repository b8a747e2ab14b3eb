"""Object permissions of the dialogue de gestion (django-rules). Visibility is decided by
`Convention.objects.visible_to(user)`; these rules say what a user who sees a convention may do:
the structure's editors propose (and revise a proposal), its network's advisors comment, the DDTEFP
agent of its département sets the agreed values, agrees and closes; an administrator may do all."""

import rules

SIAE, ADVISOR, AGENT, ADMIN = "siae", "advisor", "agent", "admin"
ROLE_LABELS = {
    SIAE: "structure",
    ADVISOR: "conseiller du réseau",
    AGENT: "agent DDTEFP",
    ADMIN: "administrateur du portail",
}


def structure_roles(user, structure) -> frozenset:
    """The roles `user` holds towards `structure` in the dialogue de gestion (an administrator: all)."""
    scope = user.scope
    if scope.is_admin:
        return frozenset({SIAE, ADVISOR, AGENT, ADMIN})
    roles = set()
    if structure.pk in scope.editor_structure_ids:
        roles.add(SIAE)
    if scope.network_ids and scope.network_ids & _network_ids(structure):
        roles.add(ADVISOR)
    if structure.departement in scope.departements:
        roles.add(AGENT)
    return frozenset(roles)


def comment_role(user, structure) -> str | None:
    """The capacity a comment is written in (the most official one the user holds), or None."""
    roles = structure_roles(user, structure)
    return next((role for role in (ADMIN, AGENT, ADVISOR, SIAE) if role in roles), None)


def _network_ids(structure) -> set:
    if not hasattr(structure, "_network_ids"):  # several rules ask within one request
        structure._network_ids = set(structure.networks.values_list("pk", flat=True))
    return structure._network_ids


def _status(convention):
    return getattr(convention, "status", None)


@rules.predicate
def may_propose(user, structure):
    return structure is not None and bool({SIAE, ADMIN} & structure_roles(user, structure))


@rules.predicate
def may_comment(user, convention):
    return (
        convention is not None
        and _status(convention) != "closed"
        and bool({SIAE, ADVISOR, AGENT, ADMIN} & structure_roles(user, convention.structure))
    )


@rules.predicate
def may_change_objectives(user, convention):
    if convention is None:
        return False
    roles = structure_roles(user, convention.structure)
    if _status(convention) == "proposed":
        return bool({SIAE, AGENT, ADMIN} & roles)
    if _status(convention) == "agreed":  # then with a reason (services.set_objectives)
        return bool({AGENT, ADMIN} & roles)
    return False


def _ddtefp_step(user, convention, status) -> bool:
    """A definitive step of the DDTEFP (agree, close): taken by the agent of the convention's
    département, or an administrator, while the convention is at `status`."""
    return (
        convention is not None
        and _status(convention) == status
        and bool({AGENT, ADMIN} & structure_roles(user, convention.structure))
    )


@rules.predicate
def may_agree(user, convention):
    return _ddtefp_step(user, convention, "proposed")


@rules.predicate
def may_close(user, convention):
    return _ddtefp_step(user, convention, "agreed")


rules.add_perm("conventions.propose_convention", may_propose)
rules.add_perm("conventions.comment_convention", may_comment)
rules.add_perm("conventions.change_objectives", may_change_objectives)
rules.add_perm("conventions.agree_convention", may_agree)
rules.add_perm("conventions.close_convention", may_close)
