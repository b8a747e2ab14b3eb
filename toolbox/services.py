"""Moderation of the toolbox: each transition is checked, dated, signed and mailed to the proposer (or, for a
corrected proposal, to its moderators)."""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Membership, User
from dossiers.models import network_ids_of_structures
from siae_portal import emails

from .models import Resource
from .rules import may_publish_as_proposer

OWN_PROPOSAL_MESSAGE = (
    "Vous ne pouvez pas publier votre propre proposition : un autre conseiller du réseau ou un administrateur "
    "la publiera."
)


class ModerationError(Exception):
    """A transition that is not allowed; the message is French and shown to the user."""


def moderators_of(resource: Resource):
    """Who moderates the resource: the active advisors of the providing network (or of the networks of
    the providing structure); the portal administrators when there is none."""
    if resource.provider_network_id:
        network_ids = [resource.provider_network_id]
    else:
        network_ids = network_ids_of_structures([resource.provider_structure_id])
    advisors = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role=Membership.Role.ADVISOR,
        memberships__network__in=network_ids,
    ).distinct()
    if advisors.exists():
        return advisors
    return User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)


def notify_moderators(resource: Resource, *, base_url: str = "", resubmitted_by=None) -> int:
    """Tell each moderator that a proposal waits for them; returns how many were told. With
    `resubmitted_by`, the proposal is a correction of a refused one: the message recalls the refusal.
    Raises MailNotSent when the mail server fails (the proposal itself is saved)."""
    context = {"resource": resource, "resubmitted_by": resubmitted_by}
    return emails.send("toolbox/emails/proposal", context, moderators_of(resource), base_url=base_url)


def _lock_proposal(resource: Resource) -> Resource:
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.status != Resource.Status.PROPOSED:
        raise ModerationError(
            f"« {locked.title} » a déjà été {locked.get_status_display()} : seule une proposition en attente "
            "peut être publiée ou refusée."
        )
    return locked


def publish(resource: Resource, *, by, base_url: str = "") -> Resource:
    """Publish a proposal and tell its proposer (MailNotSent, once it is published, when the mail fails).
    An advisor's own proposal waits for another moderator (ModerationError)."""
    if not may_publish_as_proposer(by, resource):
        raise ModerationError(OWN_PROPOSAL_MESSAGE)
    with transaction.atomic():
        locked = _lock_proposal(resource)
        now = timezone.now()
        locked.status = Resource.Status.PUBLISHED
        locked.rejection_reason = ""
        locked.moderated_by = by
        locked.moderated_at = now
        locked.published_at = now
        locked.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at", "published_at"])
    if locked.proposed_by_id and locked.proposed_by_id != by.pk:
        context = {"resource": locked, "moderator": by}
        emails.send("toolbox/emails/published", context, [locked.proposed_by], base_url=base_url)
    return locked


def reject(resource: Resource, *, by, reason: str, base_url: str = "") -> Resource:
    """Refuse a proposal and mail the reason to its proposer (MailNotSent, once it is refused, when the
    mail fails)."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("Indiquez le motif du refus : il est envoyé à la personne qui a proposé l'outil.")
    with transaction.atomic():
        locked = _lock_proposal(resource)
        locked.status = Resource.Status.REJECTED
        locked.rejection_reason = reason
        locked.moderated_by = by
        locked.moderated_at = timezone.now()
        locked.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at"])
    if locked.proposed_by_id:
        context = {"resource": locked, "moderator": by}
        emails.send("toolbox/emails/rejected", context, [locked.proposed_by], base_url=base_url)
    return locked


def ensure_resubmittable(resource: Resource) -> None:
    """Only a refused proposal is corrected and proposed again (ModerationError otherwise)."""
    if not resource.is_rejected:
        state = "déjà en attente de modération" if resource.is_proposed else resource.get_status_display()
        raise ModerationError(
            f"« {resource.title} » est {state} : seule une proposition refusée peut être corrigée et proposée "
            "à nouveau."
        )


def resubmit(resource: Resource, *, by, base_url: str = "") -> Resource:
    """Send a refused proposal, with its corrections (the unsaved changes of `resource`), back to
    moderation, and tell its moderators (MailNotSent, once it is back in moderation, when the mail
    fails). The refusal (reason, by, at) stays on the resource until the next decision, so the
    moderators see what was asked; publishing clears it, a new refusal replaces it."""
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        ensure_resubmittable(locked)
        resource.status = Resource.Status.PROPOSED
        resource.proposed_at = timezone.now()
        resource.rejection_reason = locked.rejection_reason
        resource.moderated_by_id, resource.moderated_at = locked.moderated_by_id, locked.moderated_at
        resource.save()
    notify_moderators(resource, base_url=base_url, resubmitted_by=by)
    return resource


def count_download(resource: Resource) -> None:
    """Add one download, atomically in SQL (concurrent downloads are all counted). Only published
    resources count: a moderator's preview is not a download."""
    if resource.status == Resource.Status.PUBLISHED:
        Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
