from django.core.management.base import BaseCommand, CommandError

from indicators import rollup


class Command(BaseCommand):
    help = "Vérifie que l'agrégat des sorties est égal aux chiffres calculés sur les sorties enregistrées."

    def handle(self, *args, **options):
        problems = rollup.differences()
        for problem in problems[:50]:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                f"{len(problems)} écart(s) entre l'agrégat et les sorties : lancez python manage.py rebuild_rollup."
            )
        self.stdout.write("Agrégat des sorties exact.")
