"""E-mail backends for the mail-failure tests (select them with the `mail_server_down` fixture)."""

import smtplib

from django.core import mail
from django.core.mail.backends import locmem


class ServerDown:
    """A mail server that cannot be reached."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError("SMTP injoignable")

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP injoignable")


class RecipientRefused(ServerDown):
    """A mail server that answers but refuses the recipient."""

    def open(self):
        return True

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"Mailbox unavailable")})


class FailsAfterOne(locmem.EmailBackend):
    """A mail server that takes one message, then drops the connection (a failure halfway)."""

    def send_messages(self, messages):
        if mail.outbox:
            raise smtplib.SMTPServerDisconnected("Connexion perdue")
        return super().send_messages(messages)
