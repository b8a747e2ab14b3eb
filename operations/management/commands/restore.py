from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from operations.backups import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde de make backup : remplace la base de données et les fichiers déposés "
        "(make restore BACKUP=backups/AAAAMMJJ-HHMMSS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="dossier de la sauvegarde")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="ne rien demander")
        parser.add_argument(
            "--database-url",
            help="restaurer dans cette base plutôt que dans celle du portail (pour vérifier une sauvegarde)",
        )
        parser.add_argument("--media-root", help="restaurer les fichiers dans ce dossier plutôt que dans MEDIA_ROOT")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        if options["database_url"]:
            database = dj_database_url.parse(options["database_url"])
        else:
            database = dict(connections["default"].settings_dict)
        media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
        try:
            manifest = read_manifest(directory)
            if options["interactive"]:
                answer = input(
                    f"La base « {database['NAME']} » et le dossier {media_root} vont être remplacés par la "
                    f"sauvegarde du {manifest['created_at']}. Tapez « oui » pour continuer : "
                )
                if answer.strip().lower() != "oui":
                    raise CommandError("Restauration annulée : rien n'a changé.")
            connections.close_all()  # pg_restore drops tables that this process must not hold open
            restore_backup(directory, media_root=media_root, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde {directory} restaurée."))
