import csv
import json

from django.core.management.base import BaseCommand, CommandError

from dossiers.models import Structure
from indicators.models import CustomRateDefinition
from indicators.reports import ScopeError, build_report, flatten, parse_year, select_scope
from siae_portal.collation import French
from siae_portal.exports import csv_safe_rows


class Command(BaseCommand):
    help = (
        "Affiche les indicateurs (sorties, taux de sortie dynamique officiel, URIAE, emploi durable, "
        "définitions personnalisées, indicateurs complémentaires) d'une année, pour toutes les structures "
        "ou un périmètre."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Année des sorties, par exemple 2009.")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--structure", help="SIRET d'une structure.")
        group.add_argument("--departement", help="Code du département, par exemple 59.")
        group.add_argument("--kind", help="Type de structure : EI, ETTI, AI ou ACI.")
        group.add_argument("--network", help="Code du réseau, par exemple URIAE.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options):
        try:
            year = parse_year(options["year"])
            structures, scope = select_scope(
                Structure.objects.all(),
                structure=options["structure"],
                departement=options["departement"],
                kind=options["kind"],
                network=options["network"],
            )
        except ScopeError as error:
            raise CommandError(error.message) from None
        # No reader: the portal-wide definitions, plus the network's own when the scope is a network.
        network_code = scope["code"] if scope["type"] == "network" else None
        definitions = CustomRateDefinition.objects.visible_to(None, network_code=network_code).active()
        report = build_report(structures, year, scope=scope, custom_definitions=definitions.order_by(French("name")))
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        writer = csv.writer(self.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(["indicateur", "valeur"])
        # A structure or network name is a cell too: never a formula (see siae_portal.exports).
        writer.writerows(csv_safe_rows([key, "" if value is None else value] for key, value in flatten(report)))
