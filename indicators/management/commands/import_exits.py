from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dossiers.models import Structure
from indicators.importer import ImportFailed, import_exits
from siae_portal.validators import normalize_siret


class Command(BaseCommand):
    help = (
        "Importe les sorties d'une structure depuis un fichier CSV ou Excel (.xlsx). Tout ou rien : "
        "à la moindre erreur, rien n'est enregistré et la commande échoue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--structure", required=True, help="SIRET de la structure.")
        parser.add_argument("file", help="Fichier .csv ou .xlsx.")

    def handle(self, *args, **options):
        siret = normalize_siret(options["structure"])
        structure = Structure.objects.filter(siret=siret).first()
        if structure is None:
            raise CommandError(f"Aucune structure ne porte le SIRET {siret}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            result = import_exits(structure, path.read_bytes(), path.name)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            if failure.unknown_columns:
                self.stderr.write("Colonnes inconnues ignorées : " + ", ".join(failure.unknown_columns))
            raise CommandError(f"{len(failure.errors)} erreur(s) : rien n'a été enregistré.") from None
        self.stdout.write(f"{structure.name} : " + result.summary())
        self.stdout.write(f"créées : {result.created}")
        self.stdout.write(f"mises à jour : {result.updated}")
