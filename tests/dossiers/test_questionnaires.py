"""`load_questionnaire FILE`: a campaign's questionnaire from a JSON file, all or nothing, with a
French message naming the file and the line of each problem; idempotent on question codes."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from dossiers.models import Campaign, Question
from dossiers.questionnaires import QuestionnaireInvalid, read_questionnaire

pytestmark = pytest.mark.django_db

DEMO_2009 = settings.BASE_DIR / "demo" / "data" / "questionnaire-2009.json"


def questionnaire(**changes):
    document = {
        "year": 2010,
        "title": "Conventionnement 2010",
        "opens_on": "2010-01-04",
        "review_deadline": "2010-02-26",
        "submission_deadline": "2010-03-15",
        "axes": {
            "1": [
                {
                    "code": "presentation",
                    "section": "Présentation de la SIAE",
                    "label": "Présentez votre structure.",
                    "help": "Quelques lignes.",
                    "answer_type": "long_text",
                    "required": True,
                },
                {
                    "code": "mise_a_disposition",
                    "section": "Recrutement",
                    "label": "Comment choisissez-vous les missions ?",
                    "answer_type": "long_text",
                    "kinds": ["AI", "ETTI"],
                },
            ],
            "4": [
                {
                    "code": "clauses_sociales",
                    "section": "Marchés",
                    "label": "Répondez-vous à des marchés avec clauses sociales ?",
                    "answer_type": "choice",
                    "options": ["Régulièrement", "Jamais"],
                    "order": 40,
                }
            ],
        },
    }
    document.update(changes)
    return document


def write(tmp_path, document) -> tuple:
    path = tmp_path / "questionnaire-2010.json"
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path, text


def line_of(text, needle):
    """The line of the object (its opening brace) in which `needle` appears."""
    before = text[: text.index(needle)]
    return before[: before.rindex("{")].count("\n") + 1


def load(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("load_questionnaire", str(path), stdout=out, stderr=err)
    return out.getvalue()


def failure(path) -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("load_questionnaire", str(path), stdout=io.StringIO(), stderr=err)
    return str(caught.value), err.getvalue()


def test_it_creates_the_campaign_and_its_questions(tmp_path):
    path, _ = write(tmp_path, questionnaire())
    out = load(path)
    assert "Campagne 2010 créée : « Conventionnement 2010 »." in out
    assert "3 question(s) ajoutée(s), 0 déjà présente(s)" in out
    campaign = Campaign.objects.get(year=2010)
    assert (campaign.opens_on, campaign.review_deadline, campaign.submission_deadline) == (
        datetime.date(2010, 1, 4),
        datetime.date(2010, 2, 26),
        datetime.date(2010, 3, 15),
    )
    rows = campaign.questions.order_by("axis", "order").values_list(
        "axis", "code", "section", "help_text", "answer_type", "required", "kinds", "options", "order"
    )
    assert list(rows) == [
        (1, "presentation", "Présentation de la SIAE", "Quelques lignes.", "long_text", True, [], "", 1),
        (1, "mise_a_disposition", "Recrutement", "", "long_text", False, ["AI", "ETTI"], "", 2),
        (4, "clauses_sociales", "Marchés", "", "choice", False, [], "Régulièrement\nJamais", 40),
    ]


def test_loading_again_adds_only_the_new_codes_and_keeps_the_others(tmp_path):
    path, _ = write(tmp_path, questionnaire())
    load(path)
    Campaign.objects.filter(year=2010).update(title="Renommée dans l'administration")
    changed = questionnaire()
    changed["axes"]["1"][0]["label"] = "Un autre libellé."
    changed["axes"]["2"] = [
        {"code": "parcours", "section": "Parcours", "label": "Décrivez.", "answer_type": "long_text"}
    ]
    path, _ = write(tmp_path, changed)
    out = load(path)
    assert "La campagne 2010 existait déjà : son intitulé et ses dates restent ceux de l'administration." in out
    assert "1 question(s) ajoutée(s), 3 déjà présente(s)" in out
    campaign = Campaign.objects.get(year=2010)
    assert campaign.title == "Renommée dans l'administration"
    assert campaign.questions.get(code="presentation").label == "Présentez votre structure."
    assert campaign.questions.count() == 4
    assert "0 question(s) ajoutée(s), 4 déjà présente(s)" in load(path)


def test_the_demo_questionnaire_is_a_file_an_administrator_can_load(tmp_path):
    out = load(DEMO_2009)
    assert "32 question(s) ajoutée(s)" in out
    campaign = Campaign.objects.get(year=2009)
    assert {q.axis for q in campaign.questions.all()} == {1, 2, 3, 4}
    assert [q.order for q in campaign.questions.order_by("order")] == list(range(1, 33))
    for question in campaign.questions.all():
        question.full_clean()


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        ({"answer_type": "texte"}, "presentation", "question « presentation » : type de réponse : "),
        ({"requried": True}, "presentation", "question « presentation » : clés inconnues : requried."),
        ({"required": "oui"}, "presentation", "« required » doit être true ou false."),
        ({"kinds": ["AI", "SCOP"]}, "presentation", "Types de SIAE inconnus"),
        ({"kinds": "AI"}, "presentation", "« kinds » doit être une liste de types de SIAE"),
        ({"code": "présentation de la SIAE"}, "présentation de la SIAE", "code : "),
        ({"label": "x" * 501}, "presentation", "question : Assurez-vous que cette valeur comporte au plus 500"),
        ({"options": ["Oui", "Non"]}, "presentation", "« options » ne vaut que pour le type « choice »."),
        ({"order": -1}, "presentation", "ordre : "),
        ({"section": None}, "presentation", "« section » doit être un texte."),
    ],
)
def test_a_wrong_question_is_named_at_its_line_and_nothing_is_written(tmp_path, change, needle, message):
    document = questionnaire()
    document["axes"]["1"][0].update(change)
    path, text = write(tmp_path, document)
    summary, err = failure(path)
    assert summary == "1 erreur(s) : rien n'a été enregistré."
    assert err.startswith(f"{path}, ligne {line_of(text, needle)} : ")
    assert message in err
    assert not Campaign.objects.exists() and not Question.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": 1850}, "campagne : « year » doit être une année entre 2000 et 2100, pas 1850."),
        ({"year": "2010"}, "« year » doit être une année entre 2000 et 2100, pas '2010'."),
        ({"opens_on": "04/01/2010"}, "campagne : « opens_on » doit être une date AAAA-MM-JJ, pas '04/01/2010'."),
        ({"opens_on": "2010-02-30"}, "« opens_on » doit être une date AAAA-MM-JJ"),
        ({"review_deadline": "2009-12-01"}, "La date limite de relecture ne peut pas précéder l'ouverture"),
        ({"title": ""}, "« title » doit être un texte non vide."),
        ({"titre": "x"}, "campagne : clés inconnues : titre."),
        ({"axes": {"5": []}}, "axe « 5 » inconnu : les axes sont 1, 2, 3 et 4."),
        ({"axes": {"1": []}}, "le questionnaire ne contient aucune question."),
        ({"axes": []}, "« axes » manque"),
    ],
)
def test_a_wrong_campaign_is_refused(tmp_path, changes, message):
    path, _ = write(tmp_path, questionnaire(**changes))
    _, err = failure(path)
    assert err.startswith(f"{path}, ligne 1 : ")
    assert message in err
    assert not Campaign.objects.exists()


def test_every_problem_is_reported_at_once(tmp_path):
    document = questionnaire(year=1850)
    document["axes"]["1"][1]["code"] = "presentation"
    document["axes"]["4"][0]["options"] = ["Toujours"]
    path, text = write(tmp_path, document)
    summary, err = failure(path)
    assert summary == "3 erreur(s) : rien n'a été enregistré."
    lines = err.splitlines()
    assert lines[0] == f"{path}, ligne 1 : campagne : « year » doit être une année entre 2000 et 2100, pas 1850."
    second = line_of(text, '"Comment choisissez-vous')
    assert lines[1] == (
        f"{path}, ligne {second} : le code « presentation » est déjà celui de la question de la ligne "
        f"{line_of(text, 'Présentez votre structure')}."
    )
    assert lines[2].startswith(f"{path}, ligne {line_of(text, 'clauses_sociales')} : question « clauses_sociales »")
    assert "Indiquez au moins deux options" in lines[2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{\n  "year": 2010,\n  "title": "x"\n  "axes": {}\n}',
            "ligne 4 : JSON mal formé, colonne 3 : virgule attendue.",
        ),
        ("[]", "ligne 1 : le fichier doit contenir un objet JSON { ... }."),
        ('{"year": 2010, "year": 2011}', "ligne 1 : la clé « year » est donnée deux fois."),
    ],
)
def test_a_malformed_file_is_refused_with_its_line(tmp_path, content, message):
    path, _ = write(tmp_path, content)
    summary, err = failure(path)
    assert f"{path}, {message}" in summary + err
    assert not Campaign.objects.exists()


def test_a_file_that_is_not_utf8_or_missing(tmp_path):
    path = tmp_path / "questionnaire.json"
    path.write_bytes('{"title": "Réunion"}'.encode("cp1252"))
    assert failure(path)[0] == f"{path}, ligne 1 : le fichier doit être encodé en UTF-8."
    assert failure(tmp_path / "absent.json")[0].startswith(f"{tmp_path / 'absent.json'} : fichier illisible")


def test_read_questionnaire_writes_nothing(tmp_path):
    path, _ = write(tmp_path, questionnaire())
    loaded = read_questionnaire(path)
    assert loaded.campaign.pk is None and [q.code for q in loaded.questions] == [
        "presentation",
        "mise_a_disposition",
        "clauses_sociales",
    ]
    assert not Campaign.objects.exists()
    path, _ = write(tmp_path, questionnaire(year=1850))
    with pytest.raises(QuestionnaireInvalid) as caught:
        read_questionnaire(path)
    assert len(caught.value.errors) == 1 and caught.value.errors[0].line == 1


def test_the_readme_example_loads(tmp_path):
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Charger le questionnaire d'une campagne") :]
    example = section[section.index("```json\n") + len("```json\n") : section.index("```\n", section.index("```json"))]
    path, _ = write(tmp_path, example)
    assert "3 question(s) ajoutée(s)" in load(path)
    assert Campaign.objects.get(year=2010).questions.get(code="clauses_sociales").option_list == [
        "Régulièrement",
        "Occasionnellement",
        "Jamais",
    ]
