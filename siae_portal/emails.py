"""Every e-mail the portal sends goes through `send`: templates render its subject, text and HTML, one
message leaves per recipient (nobody sees the others' addresses), and a mail server failure is logged
then raised as `MailNotSent`, which views turn into the same French warning (`warn_not_sent`)."""

import logging
import smtplib
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context
from django.template.loader import get_template, render_to_string

logger = logging.getLogger(__name__)

NOT_SENT_WARNING = (
    "Le message prévenant les personnes concernées n'a pas pu être envoyé (serveur de messagerie "
    "indisponible) : pensez à les prévenir vous-même."
)


class MailNotSent(Exception):
    """The mail server refused the messages or could not be reached; what they announce is done."""


def portal_url(request=None) -> str:
    """The portal's address, without a trailing slash, that absolute links start with: the request's
    scheme and host when there is a request, `PORTAL_BASE_URL` otherwise (commands, cron)."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.PORTAL_BASE_URL.rstrip("/")


def _render_text(name: str, context: Mapping) -> str:
    # Plain text is not HTML: a title such as « Livret d'accueil » must not come out as d&#x27;accueil.
    return get_template(name).template.render(Context(context, autoescape=False))


def render(template: str, context: Mapping) -> tuple[str, str, str]:
    """Subject, text and HTML of `template` (`<template>_subject.txt`, `<template>.txt`, `<template>.html`,
    which also gets the `subject`). The subject is one line whatever its template or the titles in it
    hold (a header cannot break)."""
    subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
    html = render_to_string(f"{template}.html", {**context, "subject": subject})
    return subject, _render_text(f"{template}.txt", context), html


def send(template: str, context: Mapping, recipients: Iterable, *, base_url: str = "") -> int:
    """Send `template` to each recipient (users: one message per distinct e-mail address) and return the
    number of messages sent. The templates get `context` plus `base_url` (the portal's address, for
    absolute links: `base_url`, else `PORTAL_BASE_URL`) and `recipient` (the user). Raises MailNotSent,
    after logging the cause, when the mail server fails."""
    people = {user.email: user for user in recipients if user.email}
    if not people:
        return 0
    shared = {**context, "base_url": (base_url or portal_url()).rstrip("/")}
    outgoing = []
    for address in sorted(people):
        subject, text, html = render(template, {**shared, "recipient": people[address]})
        message = EmailMultiAlternatives(subject, text, to=[address])
        message.attach_alternative(html, "text/html")
        outgoing.append(message)
    try:
        return get_connection().send_messages(outgoing) or 0
    except (smtplib.SMTPException, OSError) as error:
        logger.exception("E-mail « %s » (%s) not sent to %d recipient(s)", outgoing[0].subject, template, len(people))
        raise MailNotSent(str(error)) from error


def warn_not_sent(request) -> None:
    """Tell the user that the action is done but its e-mail did not leave (the same words everywhere)."""
    messages.warning(request, NOT_SENT_WARNING)
