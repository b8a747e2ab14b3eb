"""Object permissions of the toolbox (django-rules). Visibility is `Resource.objects.visible_to(user)`:
these rules only say what a user who sees a resource may do with it."""

import rules

from dossiers.models import structure_ids_in_networks
from dossiers.rules import is_portal_admin


@rules.predicate
def is_network_moderator(user, resource):
    """An advisor of the network that provides the resource, or of a network of the providing structure."""
    network_ids = user.scope.network_ids if user.is_authenticated else frozenset()
    if resource is None or not network_ids:
        return False
    if resource.provider_network_id:
        return resource.provider_network_id in network_ids
    return structure_ids_in_networks(network_ids).filter(structure_id=resource.provider_structure_id).exists()


@rules.predicate
def is_proposer(user, resource):
    return resource is not None and user.is_authenticated and resource.proposed_by_id == user.pk


@rules.predicate
def is_advisor(user):
    return user.is_authenticated and user.scope.is_advisor


rules.add_perm("toolbox.moderate_resource", is_portal_admin | is_network_moderator)
# Publishing is moderating, except that an advisor never publishes its own proposal: another
# moderator of the network or an administrator does (an administrator may publish its own).
may_publish_as_proposer = is_portal_admin | ~is_proposer
rules.add_perm("toolbox.publish_resource", (is_portal_admin | is_network_moderator) & may_publish_as_proposer)
# The moderation queue: advisors (for their networks) and administrators.
rules.add_perm("toolbox.view_moderation_queue", is_portal_admin | is_advisor)
# Correcting a refused proposal and sending it again: its proposer, or an administrator.
rules.add_perm("toolbox.resubmit_resource", is_portal_admin | is_proposer)
