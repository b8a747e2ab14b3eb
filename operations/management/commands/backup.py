from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from operations.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers déposés dans un dossier daté (make backup)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BASE_DIR / "backups"), help="dossier des sauvegardes")

    def handle(self, *args, **options):
        on_disk = settings.MEDIA_STORAGE == "filesystem"
        try:
            directory = create_backup(Path(options["dir"]), media_root=Path(settings.MEDIA_ROOT) if on_disk else None)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not on_disk:
            self.stdout.write("Fichiers déposés dans le bucket S3 : non copiés (gardés par le versioning du bucket).")
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite dans {directory}"))
