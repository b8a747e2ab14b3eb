"""Deadline reminders (`python manage.py send_reminders`, daily): the editors of each structure whose
dossier of an open campaign is not started or still a draft, and the advisors whose reviews wait, are
told 15, 7 and 1 days before the campaign's deadline. Each reminder has a key (accounts.Notification):
it leaves once per user, a failed one leaves on the next run, and a run that missed a day sends only
the most urgent reminder reached (calculations.reminder_stage)."""

from datetime import date

from django.urls import reverse

from accounts.models import Membership, User
from siae_portal.collation import French
from siae_portal.commands import Outcome

from . import workflow
from .calculations import Deadline, reminder_stage
from .emails import structure_recipients
from .models import Campaign, Dossier, Structure
from .selectors import awaiting_review


def send_reminders(today: date) -> Outcome:
    outcome = Outcome()
    for campaign in Campaign.objects.opened(today).order_by("year"):
        _remind_editors(campaign, today, outcome)
        _remind_advisors(campaign, today, outcome)
    return outcome


def structures_to_remind(campaign):
    """(structure, its dossier or None) for each structure with an editor whose dossier of `campaign`
    is not started or still a draft, by name."""
    drafts = {d.structure_id: d for d in Dossier.objects.filter(campaign=campaign, status=workflow.DRAFT)}
    started = Dossier.objects.filter(campaign=campaign).exclude(status=workflow.DRAFT).values("structure_id")
    structures = (
        Structure.objects.filter(
            memberships__role=Membership.Role.SIAE_EDITOR,
            memberships__is_active=True,
            memberships__user__is_active=True,
        )
        .exclude(pk__in=started)
        .distinct()
        .order_by(French("name"), "pk")
    )
    return [(structure, drafts.get(structure.pk)) for structure in structures]


def _remind_editors(campaign, today, outcome: Outcome) -> None:
    stage = reminder_stage(campaign.submission_deadline, today)
    if stage is None:
        return
    deadline = Deadline(campaign.submission_deadline, today, done=False)
    for structure, dossier in structures_to_remind(campaign):
        context = {"campaign": campaign, "structure": structure, "dossier": dossier, "deadline": deadline}
        key = f"reminder:submission:{structure.pk}:{campaign.year}:{stage}"
        outcome.send("dossiers/emails/reminder_submission", context, structure_recipients(structure, "editors"), key)


def _remind_advisors(campaign, today, outcome: Outcome) -> None:
    stage = reminder_stage(campaign.review_deadline, today)
    if stage is None:
        return
    deadline = Deadline(campaign.review_deadline, today, done=False)
    list_path = reverse("dossiers:dossier_list") + f"?campaign={campaign.year}&status={workflow.IN_REVIEW}"
    advisors = User.objects.filter(
        is_active=True,
        memberships__role=Membership.Role.ADVISOR,
        memberships__is_active=True,
    ).distinct()
    for advisor in advisors:
        pending = list(
            awaiting_review(advisor)
            .filter(campaign=campaign)
            .select_related("structure")
            .order_by(French("structure__name"))
        )
        if pending:
            context = {"campaign": campaign, "dossiers": pending, "deadline": deadline, "list_path": list_path}
            key = f"reminder:review:{campaign.year}:{stage}"
            outcome.send("dossiers/emails/reminder_review", context, [advisor], key)
