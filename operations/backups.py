"""Backups of the portal: the database and the uploaded files, into one timestamped directory.

- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot: pg_dump reads in one repeatable-read
  transaction), restored with `pg_restore --clean --if-exists --single-transaction`.
- SQLite: the sqlite3 backup API (a consistent page-by-page copy, even while the portal writes),
  never a copy of the file, which could catch a half-written transaction.
- Media: a tar.gz of MEDIA_ROOT (file system storage only: files in an S3 bucket are kept by the
  bucket's versioning, see docs/deployment.md, and not copied), written after the database: a file
  deleted between the two is missing from the copy, a file added in between is there but
  unreferenced (harmless).

A directory holds `manifest.json` (what it contains, for which database engine), `database.dump`
or `database.sqlite3`, and `media.tar.gz`.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_TAR = "media.tar.gz"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or a restore that cannot be done: the message says why, in French."""


def vendor_of(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Moteur de base de données non pris en charge : {engine}.")


def _pg_args(database: dict) -> tuple[list[str], dict]:
    """Connection options of pg_dump / pg_restore, and the environment carrying the password."""
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [option, str(database[key])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} est introuvable : installez postgresql-client.") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} a échoué : {result.stderr.strip()}")


def _backup_database(directory: Path, alias: str) -> str:
    database = connections[alias].settings_dict
    vendor = vendor_of(database)
    if vendor == "postgresql":
        args, env = _pg_args(database)
        target = directory / PG_DUMP
        _run(
            ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target),
             database["NAME"]],
            env,
        )  # fmt: skip
        return PG_DUMP
    # Through Django's own connection: it also reaches an in-memory database (the tests').
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(directory / SQLITE_COPY)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return SQLITE_COPY


def _add_media(directory: Path, media_root: Path) -> int:
    """Tar MEDIA_ROOT (missing: an empty archive). Returns the number of files."""
    count = 0
    with tarfile.open(directory / MEDIA_TAR, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                    count += 1
    return count


def create_backup(root: Path, *, media_root: Path | None, alias: str = "default", now: datetime | None = None) -> Path:
    """Write a backup into a new directory `root/<AAAAMMJJ-HHMMSS>/`; returns that directory.
    `media_root` None: the files are not on disk (S3 bucket) and are not copied."""
    now = now or timezone.now()
    root.mkdir(parents=True, exist_ok=True)
    directory = root / timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    try:
        directory.mkdir()
    except FileExistsError:
        raise BackupError(f"{directory} existe déjà : attendez une seconde et recommencez.") from None
    try:
        database_file = _backup_database(directory, alias)
        files = _add_media(directory, Path(media_root)) if media_root is not None else None
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)  # never leave a half backup that looks whole
        raise
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "database_vendor": vendor_of(connections[alias].settings_dict),
        "database_file": database_file,
        "media_file": MEDIA_TAR if media_root is not None else None,
        "media_files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return directory


def read_manifest(directory: Path) -> dict:
    try:
        manifest = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{directory} n'est pas une sauvegarde du portail (pas de {MANIFEST}).") from None
    except ValueError:
        raise BackupError(f"{directory}/{MANIFEST} est illisible.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"Format de sauvegarde inconnu : {found!r}.")
    # The file names are ours, never paths: a tampered manifest must not choose what is restored.
    expected_file = {"postgresql": PG_DUMP, "sqlite": SQLITE_COPY}.get(manifest.get("database_vendor"))
    if expected_file is None or manifest.get("database_file") != expected_file:
        raise BackupError(f"{directory}/{MANIFEST} ne décrit pas une sauvegarde du portail (base inconnue).")
    if manifest.get("media_file") not in (MEDIA_TAR, None):
        raise BackupError(f"{directory}/{MANIFEST} ne décrit pas une sauvegarde du portail (fichiers inconnus).")
    return manifest


def _restore_database(directory: Path, manifest: dict, database: dict) -> None:
    vendor = vendor_of(database)
    if manifest["database_vendor"] != vendor:
        raise BackupError(
            f"Cette sauvegarde vient d'une base {manifest['database_vendor']} : elle ne se restaure pas "
            f"dans une base {vendor}."
        )
    source = directory / manifest["database_file"]
    if not source.is_file():
        raise BackupError(f"{source} est introuvable.")
    if vendor == "postgresql":
        args, env = _pg_args(database)
        _run(
            ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", "--dbname", database["NAME"], str(source)],
            env,
        )  # fmt: skip
        return
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    name = str(database["NAME"])
    target_connection = sqlite3.connect(name, uri=name.startswith("file:"))  # as Django opens it
    try:
        source_connection.backup(target_connection)  # replaces every page of the target
    finally:
        source_connection.close()
        target_connection.close()


def _unpack_media(directory: Path, manifest: dict, media_root: Path) -> Path:
    """The archive's files, unpacked beside MEDIA_ROOT (nothing replaced yet). A broken or tampered
    archive raises BackupError and leaves nothing behind."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=".restauration-", dir=media_root.parent))
    try:
        with tarfile.open(directory / manifest["media_file"], "r:gz") as archive:
            archive.extractall(unpacked, filter="data")  # no absolute path, no "..", no device
    except (tarfile.TarError, EOFError, OSError) as error:
        shutil.rmtree(unpacked, ignore_errors=True)
        raise BackupError(
            f"L'archive des fichiers {manifest['media_file']} est illisible ou altérée : {error}."
        ) from None
    return unpacked


def _swap_media(unpacked: Path, media_root: Path) -> None:
    """Replace the content of MEDIA_ROOT by `unpacked`'s (MEDIA_ROOT itself stays: a mount point)."""
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    for child in unpacked.iterdir():
        shutil.move(child, media_root / child.name)


def restore_backup(directory: Path, *, media_root: Path, database: dict) -> dict:
    """Put the database `database` (a DATABASES entry) and MEDIA_ROOT back as they were in the
    backup `directory`. Returns its manifest."""
    directory, media_root = Path(directory), Path(media_root)
    manifest = read_manifest(directory)
    if manifest["media_file"] and not (directory / manifest["media_file"]).is_file():
        raise BackupError(f"{directory / manifest['media_file']} est introuvable.")
    # The files are read first: a broken archive is found before the database is replaced.
    unpacked = _unpack_media(directory, manifest, media_root) if manifest["media_file"] else None
    try:
        _restore_database(directory, manifest, database)
        if unpacked is not None:
            _swap_media(unpacked, media_root)
    finally:
        if unpacked is not None:
            shutil.rmtree(unpacked, ignore_errors=True)
    return manifest
