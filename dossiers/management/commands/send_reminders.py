from django.core.management.base import BaseCommand
from django.utils.timezone import localdate

from dossiers.calculations import REMINDER_DAYS
from dossiers.reminders import send_reminders
from siae_portal.commands import add_date_argument


class Command(BaseCommand):
    help = (
        "Rappels des dates limites (à lancer chaque jour par cron) : les rédacteurs des structures dont le "
        "dossier d'une campagne ouverte n'est pas commencé ou encore en brouillon, et les conseillers dont des "
        f"relectures attendent, {', '.join(map(str, REMINDER_DAYS))} jours avant la date limite. Un rappel ne "
        "part qu'une fois ; celui qu'une panne du serveur d'e-mail a empêché part au passage suivant."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, **options):
        send_reminders(options["date"] or localdate()).report(self.stdout, "rappel(s)")
