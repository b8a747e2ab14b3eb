"""Every e-mail the portal sends goes through `send`: templates render its subject, text and HTML, one
message leaves per recipient (nobody sees the others' addresses), and a mail server failure is logged
then raised as `MailNotSent`, which views turn into the same French warning (`warn_not_sent`). Every
message is recorded for its recipient (accounts.Notification: the notifications page)."""

import logging
import smtplib
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from accounts.models import Notification

logger = logging.getLogger(__name__)

NOT_SENT_WARNING = (
    "Le message prévenant les personnes concernées n'a pas pu être envoyé (serveur de messagerie "
    "indisponible) : pensez à les prévenir vous-même."
)


SUBJECT_MAX_LENGTH = Notification._meta.get_field("subject").max_length


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


def send(template: str, context: Mapping, recipients: Iterable, *, base_url: str = "", key: str = "", facts=()) -> int:
    """Send `template` to each recipient (users: one message per distinct e-mail address) and return the
    number of messages sent. The templates get `context` plus `base_url` (the portal's address, for
    absolute links: `base_url`, else `PORTAL_BASE_URL`) and `recipient` (the user). Each message is
    recorded first (accounts.Notification, what the user reads on its notifications page), then marked
    sent once it has left. With `key`, a recipient already sent that message is skipped, and one whose
    earlier attempt failed gets this one in its place: a reminder leaves once. `facts` is stored with
    the message (what it reported). Raises MailNotSent, after logging the cause, when the mail server
    fails: the messages that had not left stay recorded as not sent."""
    people = {user.email: user for user in recipients if user.email}
    if key:
        already = set(Notification.objects.sent().filter(key=key, user__in=people.values()).values_list("user_id"))
        people = {address: user for address, user in people.items() if (user.pk,) not in already}
    if not people:
        return 0
    shared = {**context, "base_url": (base_url or portal_url()).rstrip("/")}
    outgoing = []
    for address in sorted(people):
        subject, text, html = render(template, {**shared, "recipient": people[address]})
        notification = _record(people[address], template, subject, text, key, list(facts))
        message = EmailMultiAlternatives(subject, text, to=[address])
        message.attach_alternative(html, "text/html")
        outgoing.append((notification, message))
    return _deliver(template, outgoing)


def _record(user, template: str, subject: str, text: str, key: str, facts: list) -> Notification:
    """The row of one message, not yet sent (a keyed message that failed before is rewritten)."""
    fields = {"template": template, "subject": subject[:SUBJECT_MAX_LENGTH], "body": text, "facts": facts}
    if not key:
        return Notification.objects.create(user=user, **fields)
    notification, _ = Notification.objects.update_or_create(
        user=user, key=key, defaults={**fields, "created_at": timezone.now()}
    )
    return notification


def _deliver(template: str, outgoing: list) -> int:
    """Send the messages one by one over one connection, marking each row sent as its message leaves:
    when the server fails halfway, the rows say exactly who got it (no duplicate on the next try)."""
    delivered = []
    connection = get_connection()
    try:
        connection.open()
        for notification, message in outgoing:
            connection.send_messages([message])
            delivered.append(notification.pk)
    except (smtplib.SMTPException, OSError) as error:
        logger.exception(
            "E-mail « %s » (%s) not sent to %d recipient(s)",
            outgoing[0][1].subject,
            template,
            len(outgoing) - len(delivered),
        )
        raise MailNotSent(str(error)) from error
    finally:
        # The rows first: a server that fails as the connection closes must not unmark what left.
        Notification.objects.filter(pk__in=delivered).update(sent_at=timezone.now())
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning(
                "E-mail « %s » (%s): the connection did not close cleanly", outgoing[0][1].subject, template
            )
    return len(delivered)


def warn_not_sent(request) -> None:
    """Tell the user that the action is done but its e-mail did not leave (the same words everywhere)."""
    messages.warning(request, NOT_SENT_WARNING)
