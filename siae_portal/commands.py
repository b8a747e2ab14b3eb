"""What the portal's cron commands (send_reminders, send_digest) share: the `--date` that stands for
today (tests and catching up), and the count of what left, a mail failure making the run fail (cron
tells the administrators) while the next run sends what did not leave."""

import argparse
from dataclasses import dataclass
from datetime import date

from django.core.management.base import CommandError

from . import emails


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » : date attendue au format AAAA-MM-JJ.") from None


def add_date_argument(parser) -> None:
    parser.add_argument("--date", type=iso_date, help="Le jour à traiter, AAAA-MM-JJ (par défaut aujourd'hui).")


@dataclass
class Outcome:
    """What a run did: messages sent, and sendings that could not all leave (logged by emails.send)."""

    sent: int = 0
    failed: int = 0

    def send(self, template: str, context: dict, recipients, key: str, facts=()) -> None:
        try:
            self.sent += emails.send(template, context, recipients, key=key, facts=facts)
        except emails.MailNotSent:
            self.failed += 1

    def report(self, stdout, what: str) -> None:
        """Write how many `what` (a plural noun, "rappel(s)") left; CommandError when some did not."""
        stdout.write(f"{self.sent} {what} envoyé(s).")
        if self.failed:
            raise CommandError(
                f"{self.failed} {what} n'ont pas pu partir (serveur d'e-mail) : ils repartiront au prochain passage."
            )
