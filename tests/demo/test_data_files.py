"""The demo data files and their loaders: a malformed file stops `seed_demo` with an error that
names the file and the line, and nothing is written."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from demo import accounts, campaigns, exits, steps, structures, toolbox
from demo.seeding import DATA_DIR, Seeding
from dossiers.models import Network, Structure
from dossiers.questionnaires import QuestionnaireInvalid
from siae_portal.datafiles import DataFileError

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A copy of the demo data that `seed_demo` reads instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    monkeypatch.setattr(steps, "DATA_DIR", copy)
    return copy


def change(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1  # the line of the change


def resource_line(data_dir, line) -> int:
    """The line where the resource of toolbox.json holding `line` opens (a line that is only "{")."""
    text = (data_dir / "toolbox.json").read_text(encoding="utf-8").splitlines()
    return max(n for n in range(1, line + 1) if text[n - 1].strip() == "{")


def seed_error(**options) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("seed_demo", stdout=io.StringIO(), **options)
    return str(caught.value)


def assert_named_at_line(data_dir, name, line, message, *loaders):
    """Seeding with `loaders` stops on a DataFileError that names the file `name` and its `line`
    first, then says `message`."""
    with pytest.raises(DataFileError) as caught:
        seeding_with(data_dir, *loaders)
    assert str(caught.value).startswith(f"{data_dir / name}, ligne {line} : ")
    assert message in str(caught.value)


def seeding_with(data_dir, *loaders) -> Seeding:
    """A Seeding after the steps of `loaders` (the real files), for the loaders that follow."""
    seeding = Seeding(io.StringIO())
    for name, load in steps.STEPS:
        if load in loaders:
            load(seeding, data_dir / name if name else None)
    return seeding


def test_every_step_file_is_in_the_app_and_found_from_any_directory(tmp_path, monkeypatch):
    for name, _ in steps.STEPS:
        assert name is None or (DATA_DIR / name).is_file(), name
    monkeypatch.chdir(tmp_path)
    call_command("seed_demo", stdout=io.StringIO())
    assert Structure.objects.count() == 38


def test_a_wrong_siret_in_structures_csv_stops_the_seed_and_writes_nothing(data_dir):
    line = change(data_dir / "structures.csv", "Avion Blanchisserie Insertion,", "Avion Blanchisserie Insertion,1")
    message = seed_error()
    assert message.startswith(f"Données de démonstration invalides : {data_dir / 'structures.csv'}, ligne {line} : ")
    assert "SIRET" in message
    assert line == 39  # the last structure: the 37 before it were written, then rolled back
    assert not Structure.objects.exists() and not Network.objects.exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",URIAE FEI,18,", ",URIAE FEE,18,", "réseau inconnu « FEE » (codes séparés par des espaces)."),
        (",EI,59,Roubaix,", ",SCOP,59,Roubaix,", "type de SIAE : "),
        (",Roubaix,85 rue", ",Roubaix,85, rue", "10 valeurs pour 9 colonnes (une virgule de trop ?)."),
        (",18,Collecte", ",dix-huit,Collecte", "postes d'insertion conventionnés (ETP) : "),
        (
            "Les Ateliers du Jardin de Lomme,39519540700808",
            "Nord Recyclage Services,39519540700808",
            "« Nord Recyclage Services » est déjà sur la ligne 2.",
        ),
    ],
)
def test_a_wrong_structure_row_is_named_at_its_line(data_dir, old, new, message):
    line = change(data_dir / "structures.csv", old, new)
    assert_named_at_line(data_dir, "structures.csv", line, message, structures.load)


@pytest.mark.parametrize(
    ("old", "new", "offset", "message"),
    [
        # The line is that of the object holding the wrong value, or where JSON notices the error.
        ('"last_name": "Encadrant",', '"last_name": "Encadrant"', 1, "JSON mal formé, colonne 7 : virgule attendue."),
        ('"structure": "Arras Services Environnement"', '"structure": "Arras"', 0, "structure inconnue « Arras »."),
        ('"role": "agent", "departement": "62"', '"role": "agent", "departement": "99"', 0, "département : "),
        ('"role": "agent", "departement": "62"', '"role": "agent", "network": "62"', 0, "clés role et departement"),
        ('"email": "coorace@demo.local"', '"email": "coorace"', -1, "adresse e-mail : "),
        ('"staff": true', '"staff": "oui"', -4, "« staff » vaut true ou false."),
    ],
)
def test_a_wrong_account_is_named_at_its_line(data_dir, old, new, offset, message):
    line = change(data_dir / "accounts.json", old, new) + offset
    assert_named_at_line(data_dir, "accounts.json", line, message, structures.load, accounts.load)


def test_a_wrong_toolbox_entry_rolls_back_every_step(data_dir):
    line = change(
        data_dir / "toolbox.json",
        '"category": "audits",\n      "network": "URIAE",\n      "tags": "audit, juridique',
        '"category": "audit",\n      "network": "URIAE",\n      "tags": "audit, juridique',
    )
    message = seed_error()
    start = resource_line(data_dir, line)
    assert message.startswith(f"Données de démonstration invalides : {data_dir / 'toolbox.json'}, ligne {start} : ")
    assert "catégorie : " in message
    assert not Structure.objects.exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"url": "https://vita.example.org/"', '"url": "javascript:alert(1)"', "lien : "),
        ('"url": "https://vita.example.org/"', '"lien": "https://vita.example.org/"', "clés inconnues : lien."),
        (
            '"network": "COORACE",\n      "tags": "développement territorial',
            '"network": "CORACE",\n      "tags": "développement territorial',
            "réseau inconnu « CORACE ».",
        ),
        (
            '"proposed_by": "siae62@demo.local"',
            '"proposed_by": "personne@demo.local"',
            "compte inconnu « personne@demo.local »",
        ),
        (
            '"kinds": ["EI"],\n      "tags": "planning"',
            '"kinds": ["EIT"],\n      "tags": "planning"',
            "« kinds » est une liste non vide",
        ),
    ],
)
def test_a_wrong_resource_is_named_at_its_line(data_dir, old, new, message):
    start = resource_line(data_dir, change(data_dir / "toolbox.json", old, new))
    assert_named_at_line(data_dir, "toolbox.json", start, message, structures.load, accounts.load, toolbox.load)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "Services Plus Sambre,submit acknowledge,",
            "Services Plus Sambre,acknowledge,",
            "« acknowledge » est impossible depuis l'état « brouillon ».",
        ),
        (
            "Calais Solidarité Emploi,ask_review,",
            "Calais Solidarité Emploi,ask_review relire,",
            "transition inconnue « relire »",
        ),
        (
            "Calais Solidarité Emploi,ask_review,",
            "Calais Solidarité Emploi,ask_review request_changes,",
            "« request_changes » demande un commentaire (colonne comment).",
        ),
        ("Calais Solidarité Emploi,ask_review,", "Calais,ask_review,", "structure inconnue « Calais »."),
    ],
)
def test_a_wrong_dossier_row_is_named_at_its_line(data_dir, old, new, message):
    line = change(data_dir / "dossiers-2009.csv", old, new)
    loaders = (structures.load, campaigns.load_questionnaire, campaigns.load_answers, campaigns.load_dossiers)
    assert_named_at_line(data_dir, "dossiers-2009.csv", line, message, *loaders)


def test_a_wrong_sample_answer_is_named_at_its_line(data_dir):
    line = change(data_dir / "answers.csv", "{name} : {activity}", "{nom} : {activity}")
    with pytest.raises(DataFileError) as caught:
        campaigns.load_answers(Seeding(io.StringIO()), data_dir / "answers.csv")
    assert str(caught.value) == (
        f"{data_dir / 'answers.csv'}, ligne {line} : seuls {{name}} et {{activity}} sont remplacés dans un texte."
    )


def test_a_wrong_demo_questionnaire_is_named_at_its_line(data_dir):
    line = change(
        data_dir / "questionnaire-2009.json",
        '"code": "duree_parcours"',
        '"code": "duree_parcours",\n        "order": "3"',
    )
    with pytest.raises(QuestionnaireInvalid) as caught:
        campaigns.load_questionnaire(Seeding(io.StringIO()), data_dir / "questionnaire-2009.json")
    assert [str(error) for error in caught.value.errors] == [
        f"{data_dir / 'questionnaire-2009.json'}, ligne {line - 1} : question « duree_parcours » : "
        "« order » doit être un nombre entier."
    ]


def test_a_wrong_rate_definition_is_named_at_its_line(data_dir):
    line = change(data_dir / "rate-definitions.json", '"sans_nouvelle"]', '"parti"]')
    seeding = seeding_with(data_dir, structures.load)
    with pytest.raises(DataFileError) as caught:
        exits.load_definitions(seeding, data_dir / "rate-definitions.json")
    assert str(caught.value) == (
        f"{data_dir / 'rate-definitions.json'}, ligne {line - 3} : motif de sortie inconnu dans "
        "« excluded_motives » : parti."
    )
