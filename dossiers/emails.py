"""E-mails sent on each transition, in French, one message per recipient."""

import logging
import smtplib

from django.core.mail import send_mass_mail
from django.urls import reverse

from accounts.models import Membership

from . import workflow

logger = logging.getLogger(__name__)

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

SUBJECTS = {
    "ask_review": "Relecture demandée : dossier {year} de {structure}",
    "request_changes": "Modifications demandées sur votre dossier {year}",
    "approve": "Votre dossier {year} est validé par le réseau",
    "resume": "Dossier {year} de {structure} : retour en rédaction",
    "submit": "Nouveau dossier transmis : {structure} ({year})",
    "resubmit": "Complément transmis : {structure} ({year})",
    "request_complement": "La DDTEFP demande un complément sur votre dossier {year}",
    "acknowledge": "La DDTEFP a reçu votre dossier {year} complet",
}


def recipient_emails(dossier, audience: str) -> list[str]:
    memberships = Membership.objects.active().filter(user__is_active=True)
    structure = dossier.structure
    if audience == "editors":
        memberships = memberships.filter(role=Membership.Role.SIAE_EDITOR, structure=structure)
    elif audience == "advisors":
        memberships = memberships.filter(role=Membership.Role.ADVISOR, network__in=structure.networks.all())
    else:
        memberships = memberships.filter(role=Membership.Role.AGENT, departement=structure.departement)
    return sorted(set(memberships.values_list("user__email", flat=True)))


class MailNotSent(Exception):
    """The mail server refused or could not be reached (the transition itself is done)."""


def notify_transition(dossier, log, base_url: str = "") -> int:
    """Send the e-mails for a logged transition; returns the number of messages sent. Raises
    MailNotSent (after logging the cause) when the mail server fails."""
    recipients = recipient_emails(dossier, RECIPIENTS[log.name])
    if not recipients:
        return 0
    context = {"year": dossier.campaign.year, "structure": dossier.structure.name}
    subject = SUBJECTS[log.name].format(**context)
    lines = [
        "Bonjour,",
        "",
        f"Le dossier d'offre de services {dossier.campaign.year} de {dossier.structure.name} "
        f"({dossier.structure.get_kind_display()}, {dossier.structure.commune}) "
        f"est passé de « {workflow.STATUS_LABELS[log.from_status]} » à « {workflow.STATUS_LABELS[log.to_status]} ».",
        f"Action : {workflow.TRANSITIONS[log.name].label}, par {log.actor}.",
    ]
    if log.comment:
        lines += ["", "Commentaire :", log.comment]
    lines += [
        "",
        f"Consulter le dossier : {base_url}{reverse('dossiers:detail', args=[dossier.pk])}",
        "",
        "— Portail OS-IAE (message automatique, merci de ne pas y répondre)",
    ]
    body = "\n".join(lines)
    messages = [(subject, body, None, [email]) for email in recipients]
    try:
        return send_mass_mail(messages, fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        logger.exception("E-mails of transition %s on dossier %s not sent", log.name, dossier.pk)
        raise MailNotSent(str(error)) from error
