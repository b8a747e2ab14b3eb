"""Who is told of each transition; the messages are the templates `dossiers/emails/transition*`."""

from accounts.models import Membership, User
from siae_portal import emails

from . import workflow

# Who is told, per transition: the structure's editors, its networks' advisors, its département's agents.
RECIPIENTS = {
    "ask_review": "advisors",
    "request_changes": "editors",
    "approve": "editors",
    "resume": "advisors",
    "submit": "agents",
    "resubmit": "agents",
    "request_complement": "editors",
    "acknowledge": "editors",
}


def recipients(dossier, audience: str):
    """The active users with an active membership of `audience` for the dossier's structure."""
    memberships = Membership.objects.active().filter(user__is_active=True)
    structure = dossier.structure
    if audience == "editors":
        memberships = memberships.filter(role=Membership.Role.SIAE_EDITOR, structure=structure)
    elif audience == "advisors":
        memberships = memberships.filter(role=Membership.Role.ADVISOR, network__in=structure.networks.all())
    else:
        memberships = memberships.filter(role=Membership.Role.AGENT, departement=structure.departement)
    return User.objects.filter(pk__in=memberships.values("user_id"))


def notify_transition(dossier, log, base_url: str = "") -> int:
    """Send the e-mails for a logged transition; returns the number of messages sent. Raises
    emails.MailNotSent (after logging the cause) when the mail server fails."""
    context = {
        "dossier": dossier,
        "log": log,
        "action": workflow.TRANSITIONS[log.name].label,
        "from_label": workflow.STATUS_LABELS[log.from_status],
        "to_label": workflow.STATUS_LABELS[log.to_status],
    }
    return emails.send(
        "dossiers/emails/transition", context, recipients(dossier, RECIPIENTS[log.name]), base_url=base_url
    )
