from django.core.management.base import BaseCommand, CommandError

from demo.steps import seed
from dossiers.questionnaires import QuestionnaireInvalid
from siae_portal.datafiles import DataFileError


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : peut être relancé sans doublon)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["regional", "national"],
            default="regional",
            help="regional : Nord et Pas-de-Calais ; national : environ 4 000 structures et 1,5 million de sorties.",
        )

    def handle(self, *args, **options):
        try:
            seed(self.stdout, options["scale"])
        except (DataFileError, QuestionnaireInvalid) as error:
            raise CommandError(f"Données de démonstration invalides : {error}") from None
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
