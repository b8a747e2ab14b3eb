"""Who is told of each transition; the messages are the templates `dossiers/emails/transition*`."""

from accounts.models import Membership, User
from siae_portal import emails
from siae_portal.reference import departement_label

from . import workflow

# Who is told, per transition: the structure's editors, its networks' advisors, its département's agents.
RECIPIENTS = {
    "ask_review": "advisors",
    "return_to_review": "advisors",
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
    return structure_recipients(dossier.structure, audience)


def structure_recipients(structure, audience: str):
    """The active users with an active membership of `audience` ("editors", "advisors", "agents") for
    `structure` (a reminder about a dossier not started has no dossier yet)."""
    memberships = Membership.objects.active().filter(user__is_active=True)
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


def told(dossier, name: str) -> str:
    """Who the e-mails of transition `name` went to, for the status message ("la DDTEFP du
    département 59 - Nord a été prévenue par e-mail"), or that nobody could be told."""
    audience = RECIPIENTS[name]
    structure = dossier.structure
    if not recipients(dossier, audience).exists():
        nobody = {
            "editors": f"aucun rédacteur de {structure.name} n'est inscrit",
            "advisors": "aucun conseiller de son réseau n'est inscrit",
            "agents": f"aucun agent de la DDTEFP ({departement_label(structure.departement)}) n'est inscrit",
        }[audience]
        return f"personne n'a été prévenu : {nobody}"
    if audience == "editors":
        return f"les rédacteurs de {structure.name} ont été prévenus par e-mail"
    if audience == "advisors":
        networks = ", ".join(sorted(network.name for network in structure.networks.all()))
        return f"les conseillers du réseau ({networks}) ont été prévenus par e-mail"
    return f"la DDTEFP du département {departement_label(structure.departement)} a été prévenue par e-mail"
