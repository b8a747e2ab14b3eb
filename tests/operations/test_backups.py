"""make backup / make restore: a restored backup holds the same rows and the same files, on SQLite
(sqlite3 backup API) and on PostgreSQL (pg_dump / pg_restore, restored into a scratch database)."""

import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from dossiers.models import Answer, Dossier, Structure
from operations.backups import MANIFEST, BackupError, read_manifest
from tests.dossiers.conftest import make_campaign

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads from its own connection


@pytest.fixture
def world(editor, structure, settings):
    """Rows in every main table, an attachment stored by the portal and a nested file."""
    campaign = make_campaign(2009)
    dossier = Dossier.objects.create(structure=structure, campaign=campaign)
    question = campaign.questions.get(code="organigramme")
    answer = Answer(dossier=dossier, question=question, attachment_name="organigramme.pdf", updated_by=editor)
    answer.attachment.save("piece.pdf", ContentFile(b"%PDF-1.4 organigramme"), save=False)
    answer.save()
    nested = Path(settings.MEDIA_ROOT) / "boite-a-outils" / "2009" / "livret.odt"
    nested.parent.mkdir(parents=True)
    nested.write_bytes(b"livret\x00\xff")
    return answer


def _media(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _rows(cursor, tables) -> dict[str, list]:
    """Every row of every table, in a stable order (the values as the driver returns them)."""
    result = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        result[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return result


def _source_rows():
    tables = sorted(connection.introspection.table_names())
    if connection.vendor == "postgresql":
        # A plain psycopg connection, as for the restored database (Django's own leaves JSON as text).
        import psycopg

        params = connection.settings_dict
        with psycopg.connect(
            host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432, user=params["USER"],
            password=params["PASSWORD"], dbname=params["NAME"],
        ) as plain:  # fmt: skip
            return _rows(plain.cursor(), tables)
    with connection.cursor() as cursor:
        return _rows(cursor, tables)


@pytest.fixture
def scratch_database(tmp_path):
    """A database to restore into, never the portal's: a file on SQLite, a new database on PostgreSQL."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restauree.sqlite3"
        # Same conversions as Django's connection (its converters are registered for the process).
        yield (
            f"sqlite:///{path}",
            lambda: sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES),
        )
        return
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_restauree"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    host, port, user = params["HOST"] or "127.0.0.1", params["PORT"] or 5432, params["USER"]
    opened = []

    def connect():
        opened.append(psycopg.connect(host=host, port=port, user=user, password=params["PASSWORD"], dbname=name))
        return opened[-1]

    yield f"postgres://{user}@{host}:{port}/{name}", connect
    for conn in opened:
        conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_holds_the_same_rows_and_files(world, settings, tmp_path, scratch_database):
    url, connect = scratch_database
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    manifest = read_manifest(directory)
    assert manifest["database_vendor"] == {"sqlite": "sqlite", "postgresql": "postgresql"}[connection.vendor]
    assert manifest["media_files"] == 2
    expected_rows, expected_files = _source_rows(), _media(Path(settings.MEDIA_ROOT))
    assert expected_rows["dossiers_answer"] and expected_rows["dossiers_historicalanswer"]
    assert world.attachment.name in expected_files

    restored_media = tmp_path / "media-restaure"
    call_command("restore", str(directory), "--no-input", database_url=url, media_root=str(restored_media))

    restored = connect()
    assert _rows(restored.cursor(), expected_rows) == expected_rows
    assert _media(restored_media) == expected_files


def test_restore_replaces_what_changed_since_the_backup(world, settings, tmp_path, scratch_database):
    url, connect = scratch_database
    media = Path(settings.MEDIA_ROOT)
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    restored_media = tmp_path / "media-restaure"
    call_command("restore", str(directory), "--no-input", database_url=url, media_root=str(restored_media))
    # Later changes: a file added, a file removed, a row changed; then the same backup again.
    (restored_media / "ajout.txt").write_text("après la sauvegarde")
    (restored_media / "boite-a-outils" / "2009" / "livret.odt").unlink()
    restored = connect()
    with restored:
        restored.cursor().execute("UPDATE dossiers_structure SET name = 'Renommée'")
    call_command("restore", str(directory), "--no-input", database_url=url, media_root=str(restored_media))
    assert _media(restored_media) == _media(media)
    cursor = connect().cursor()
    cursor.execute("SELECT name FROM dossiers_structure")
    assert [row[0] for row in cursor.fetchall()] == list(Structure.objects.values_list("name", flat=True))


def test_the_backup_directory_holds_a_manifest_a_database_copy_and_a_media_archive(world, tmp_path):
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    assert len(directory.name) == len("20091231-235959")
    manifest = json.loads((directory / MANIFEST).read_text())
    assert (directory / manifest["database_file"]).stat().st_size > 0
    with tarfile.open(directory / "media.tar.gz") as archive:
        assert sorted(archive.getnames()) == sorted([world.attachment.name, "boite-a-outils/2009/livret.odt"])


def test_restore_refuses_a_directory_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="n'est pas une sauvegarde du portail"):
        call_command("restore", str(tmp_path), "--no-input")


def test_restore_refuses_a_backup_of_the_other_engine(world, tmp_path):
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((directory / MANIFEST).read_text())
    other = {"database_vendor": "postgresql", "database_file": "database.dump"}
    (directory / MANIFEST).write_text(json.dumps({**manifest, **other}))
    target = tmp_path / "cible.sqlite3"
    with pytest.raises(
        CommandError, match="vient d'une base postgresql : elle ne se restaure pas dans une base sqlite"
    ):
        call_command("restore", str(directory), "--no-input", database_url=f"sqlite:///{target}")
    assert not target.exists()


def test_restore_asks_before_replacing_anything(world, tmp_path, monkeypatch, scratch_database):
    url, _ = scratch_database
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    restored_media = tmp_path / "media-restaure"
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="Restauration annulée"):
        call_command("restore", str(directory), database_url=url, media_root=str(restored_media))
    assert not restored_media.exists()


def _table_count(connect) -> int:
    cursor = connect().cursor()
    if connection.vendor == "sqlite":
        cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
    else:
        cursor.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
    return cursor.fetchone()[0]


def _replace_media_archive(directory: Path, write) -> None:
    (directory / "media.tar.gz").unlink()
    write(directory / "media.tar.gz")


@pytest.fixture
def kept_media(tmp_path):
    kept = tmp_path / "media-restaure"
    kept.mkdir()
    (kept / "garde.txt").write_text("intact")
    return kept


def test_a_media_archive_cannot_write_outside_media_root(world, tmp_path, scratch_database, kept_media):
    """A tampered archive (a path with "..") is refused before anything is replaced: not the
    files, not the database."""
    url, connect = scratch_database
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    evil = tmp_path / "evil.txt"
    evil.write_text("x")

    def write(path):
        with tarfile.open(path, "w:gz") as archive:
            archive.add(evil, arcname="../../evadé.txt")

    _replace_media_archive(directory, write)
    with pytest.raises(CommandError, match="illisible ou altérée"):
        call_command("restore", str(directory), "--no-input", database_url=url, media_root=str(kept_media))
    assert _media(kept_media) == {"garde.txt": b"intact"}
    assert not (tmp_path.parent / "evadé.txt").exists()
    assert _table_count(connect) == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".restauration-")] == []


def test_a_truncated_media_archive_changes_nothing(world, tmp_path, scratch_database, kept_media):
    url, connect = scratch_database
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    whole = (directory / "media.tar.gz").read_bytes()
    _replace_media_archive(directory, lambda path: path.write_bytes(whole[: len(whole) // 2]))
    with pytest.raises(CommandError, match="illisible ou altérée"):
        call_command("restore", str(directory), "--no-input", database_url=url, media_root=str(kept_media))
    assert _media(kept_media) == {"garde.txt": b"intact"}
    assert _table_count(connect) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"database_file": "../../etc/passwd"},
        {"database_file": "/tmp/autre.sqlite3"},
        {"media_file": "../media.tar.gz"},
        {"database_vendor": "mysql"},
    ],
    ids=["relative-path", "absolute-path", "media-path", "vendor"],
)
def test_a_tampered_manifest_chooses_nothing(world, tmp_path, change, scratch_database, kept_media):
    """The manifest names our own files only: another path is refused before anything is read."""
    url, connect = scratch_database
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((directory / MANIFEST).read_text())
    (directory / MANIFEST).write_text(json.dumps({**manifest, **change}))
    with pytest.raises(BackupError, match="ne décrit pas une sauvegarde du portail"):
        read_manifest(directory)
    with pytest.raises(CommandError, match="ne décrit pas une sauvegarde du portail"):
        call_command("restore", str(directory), "--no-input", database_url=url, media_root=str(kept_media))
    assert _media(kept_media) == {"garde.txt": b"intact"}
    assert _table_count(connect) == 0


def test_a_manifest_that_is_not_an_object_is_refused(tmp_path):
    (tmp_path / MANIFEST).write_text("[1, 2]")
    with pytest.raises(BackupError, match="Format de sauvegarde inconnu"):
        read_manifest(tmp_path)


def test_an_unknown_engine_is_refused():
    from operations.backups import vendor_of

    with pytest.raises(BackupError, match="non pris en charge"):
        vendor_of({"ENGINE": "django.db.backends.mysql"})


def test_files_in_a_bucket_are_left_to_the_bucket(world, settings, tmp_path, scratch_database):
    """With DJANGO_MEDIA_STORAGE=s3 the backup holds the database only, and a restore keeps the files."""
    url, connect = scratch_database
    settings.MEDIA_STORAGE = "s3"
    call_command("backup", dir=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in directory.iterdir()) == sorted([MANIFEST, read_manifest(directory)["database_file"]])
    kept = tmp_path / "media-en-place"
    kept.mkdir()
    (kept / "fichier.pdf").write_bytes(b"%PDF-")
    call_command("restore", str(directory), "--no-input", database_url=url, media_root=str(kept))
    assert _media(kept) == {"fichier.pdf": b"%PDF-"}
    cursor = connect().cursor()
    cursor.execute("SELECT COUNT(*) FROM dossiers_answer")
    assert cursor.fetchone()[0] == 1
