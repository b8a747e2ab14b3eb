from django.core.management.base import BaseCommand, CommandError

from dossiers.questionnaires import QuestionnaireInvalid, read_questionnaire
from dossiers.services import load_questionnaire
from siae_portal.datafiles import DataFileError


class Command(BaseCommand):
    help = (
        "Charge le questionnaire d'une campagne depuis un fichier JSON (format décrit dans le README). "
        "Tout ou rien : à la moindre erreur, rien n'est enregistré. Les questions dont le code existe déjà "
        "dans la campagne restent telles quelles : recharger le même fichier n'ajoute rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier .json du questionnaire.")

    def handle(self, *args, **options):
        try:
            questionnaire = read_questionnaire(options["file"])
        except DataFileError as error:
            raise CommandError(str(error)) from None
        except QuestionnaireInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(invalid.errors)} erreur(s) : rien n'a été enregistré.") from None
        result = load_questionnaire(questionnaire)
        campaign = result.campaign
        if result.campaign_created:
            self.stdout.write(f"Campagne {campaign.year} créée : « {campaign.title} ».")
        else:
            self.stdout.write(
                f"La campagne {campaign.year} existait déjà : son intitulé et ses dates restent "
                "ceux de l'administration."
            )
        self.stdout.write(
            f"{result.added} question(s) ajoutée(s), {result.kept} déjà présente(s) laissée(s) telle(s) quelle(s)."
        )
