from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app's demo module exposes `seed(stdout, **options)`; the order follows dependencies.
SEEDERS = ["dossiers.demo", "indicators.demo", "dossiers.demo_campaigns", "toolbox.demo"]


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
        options = {key: value for key, value in options.items() if key not in {"stdout", "stderr"}}
        for dotted in SEEDERS:
            with transaction.atomic():
                import_module(dotted).seed(self.stdout, **options)
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
