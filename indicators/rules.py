"""Object permissions of the indicators app (loaded by rules' autodiscovery)."""

import rules


@rules.predicate
def is_admin(user):
    return user.is_authenticated and user.scope.is_admin


@rules.predicate
def is_advisor(user):
    return user.is_authenticated and user.scope.is_advisor


@rules.predicate
def advises_definition_network(user, definition):
    return (
        definition is not None
        and definition.network_id is not None
        and definition.network_id in user.scope.network_ids
    )


rules.add_perm("indicators.change_customratedefinition", is_admin | advises_definition_network)
# Defining a new rate (for one of its networks, or for the portal: see the form).
rules.add_perm("indicators.create_definition", is_admin | is_advisor)
