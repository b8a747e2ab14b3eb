from django.core.management.base import BaseCommand
from django.utils.timezone import localdate

from indicators.digest import DIGEST_DAYS, send_digests
from siae_portal.commands import add_date_argument


class Command(BaseCommand):
    help = (
        "Récapitulatif hebdomadaire (à lancer chaque semaine par cron) des conseillers et agents qui ne l'ont "
        f"pas refusé : dossiers transmis les {DIGEST_DAYS} derniers jours, nouveaux signaux des structures à "
        "suivre, dossiers en retard. Rien n'est envoyé quand il n'y a rien à dire ; un récapitulatif par "
        "semaine au plus, celui qu'une panne a empêché part au passage suivant."
    )

    def add_arguments(self, parser):
        add_date_argument(parser)

    def handle(self, *args, **options):
        send_digests(options["date"] or localdate()).report(self.stdout, "récapitulatif(s)")
