"""Running the cron commands in tests, as cron does, for a given day."""

import io
from datetime import date

from django.core import mail
from django.core.management import call_command


def sent_by(command: str, day: date) -> list:
    """The messages that `command` (send_reminders, send_digest) sends when run with `--date day`."""
    mail.outbox.clear()
    call_command(command, "--date", day.isoformat(), stdout=io.StringIO())
    return list(mail.outbox)
