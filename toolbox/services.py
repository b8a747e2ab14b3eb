"""Moderation of the toolbox: each transition is checked, dated, signed and mailed to the proposer (or, for a
corrected proposal, to its moderators)."""

from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Membership, User
from dossiers.models import network_ids_of_structures

from .models import Resource


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


def notify_moderators(resource: Resource, *, link: str = "", resubmitted_by=None) -> int:
    """Tell the moderators that a proposal waits for them (one message, addresses in Bcc); returns how
    many were told. With `resubmitted_by`, the proposal is a correction of a refused one: the message
    recalls the refusal."""
    emails = sorted(set(moderators_of(resource).values_list("email", flat=True)))
    if not emails:
        return 0
    if resubmitted_by is None:
        subject = f"Boîte à outils : nouvelle proposition « {resource.title} »"
        news = f"{resource.proposed_by or 'Un utilisateur'} propose « {resource.title} » ({resource.provider_label})"
        refusal = ""
    else:
        subject = f"Boîte à outils : proposition corrigée « {resource.title} »"
        refused_on = (
            f" le {timezone.localtime(resource.moderated_at):%d/%m/%Y}" if resource.moderated_at is not None else ""
        )
        news = (
            f"{resubmitted_by} a corrigé « {resource.title} » ({resource.provider_label}), refusée{refused_on}, "
            "et la propose à nouveau"
        )
        refusal = f"Motif du refus précédent :\n{resource.rejection_reason}\n\n"
    EmailMessage(
        subject,
        f"Bonjour,\n\n{news} pour la boîte à outils du Portail OS-IAE. Elle attend votre relecture : "
        "publiez-la ou refusez-la en indiquant le motif.\n\n"
        + refusal
        + (f"Voir la proposition : {link}\n\n" if link else "")
        + "L'équipe du Portail OS-IAE",
        bcc=emails,
    ).send()
    return len(emails)


def _lock_proposal(resource: Resource) -> Resource:
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    if locked.status != Resource.Status.PROPOSED:
        raise ModerationError(
            f"« {locked.title} » a déjà été {locked.get_status_display()} : seule une proposition en attente "
            "peut être publiée ou refusée."
        )
    return locked


def publish(resource: Resource, *, by, link: str = "") -> Resource:
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
        send_mail(
            f"Boîte à outils : « {locked.title} » est publiée",
            f"Bonjour,\n\nVotre proposition « {locked.title} » a été publiée dans la boîte à outils du "
            f"Portail OS-IAE par {by}. Elle est désormais accessible aux autres structures.\n\n"
            + (f"Voir la ressource : {link}\n\n" if link else "")
            + "L'équipe du Portail OS-IAE",
            None,
            [locked.proposed_by.email],
        )
    return locked


def reject(resource: Resource, *, by, reason: str, link: str = "") -> Resource:
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
        send_mail(
            f"Boîte à outils : « {locked.title} » n'a pas été retenue",
            f"Bonjour,\n\nVotre proposition « {locked.title} » pour la boîte à outils du Portail OS-IAE "
            f"n'a pas été publiée par {by}.\n\nMotif du refus :\n{reason}\n\n"
            "Vous pouvez la corriger et la proposer à nouveau depuis sa page dans la boîte à outils.\n\n"
            + (f"Votre proposition : {link}\n\n" if link else "")
            + "L'équipe du Portail OS-IAE",
            None,
            [locked.proposed_by.email],
        )
    return locked


def ensure_resubmittable(resource: Resource) -> None:
    """Only a refused proposal is corrected and proposed again (ModerationError otherwise)."""
    if not resource.is_rejected:
        state = "déjà en attente de modération" if resource.is_proposed else resource.get_status_display()
        raise ModerationError(
            f"« {resource.title} » est {state} : seule une proposition refusée peut être corrigée et proposée "
            "à nouveau."
        )


def resubmit(resource: Resource, *, by, link: str = "") -> Resource:
    """Send a refused proposal, with its corrections (the unsaved changes of `resource`), back to
    moderation, and tell its moderators. The refusal (reason, by, at) stays on the resource until the
    next decision, so the moderators see what was asked; publishing clears it, a new refusal replaces it."""
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        ensure_resubmittable(locked)
        resource.status = Resource.Status.PROPOSED
        resource.proposed_at = timezone.now()
        resource.rejection_reason = locked.rejection_reason
        resource.moderated_by_id, resource.moderated_at = locked.moderated_by_id, locked.moderated_at
        resource.save()
    notify_moderators(resource, link=link, resubmitted_by=by)
    return resource


def count_download(resource: Resource) -> None:
    """Add one download, atomically in SQL (concurrent downloads are all counted). Only published
    resources count: a moderator's preview is not a download."""
    if resource.status == Resource.Status.PUBLISHED:
        Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
