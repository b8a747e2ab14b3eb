from django.core.management.base import BaseCommand, CommandError

from dossiers.models import Structure
from indicators import rollup
from siae_portal.validators import normalize_siret


class Command(BaseCommand):
    help = "Recalcule l'agrégat des sorties à partir des sorties enregistrées (toutes les structures, ou une seule)."

    def add_arguments(self, parser):
        parser.add_argument("--structure", help="SIRET de la structure (sinon : toutes).")

    def handle(self, *args, **options):
        ids = None
        if options["structure"]:
            siret = normalize_siret(options["structure"])
            structure = Structure.objects.filter(siret=siret).first()
            if structure is None:
                raise CommandError(f"Aucune structure ne porte le SIRET {siret}.")
            ids = [structure.pk]
        rollup.rebuild(ids)
        self.stdout.write("Agrégat des sorties recalculé.")
