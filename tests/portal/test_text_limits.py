"""Every free-text field has a documented limit (siae_portal.text_limits), enforced by its form with a
French message, by the model's full_clean, and by the database itself."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from dossiers.models import Answer, AxisComment, Dossier, DossierTransition, Question, Structure
from indicators.models import CustomRateDefinition
from siae_portal import text_limits
from tests.dossiers.conftest import make_campaign, set_status
from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource

pytestmark = pytest.mark.django_db

LIMITS = [
    (Structure, "activity", text_limits.DESCRIPTION_MAX_LENGTH),
    (Question, "help_text", text_limits.HELP_TEXT_MAX_LENGTH),
    (Question, "options", text_limits.OPTIONS_MAX_LENGTH),
    (Answer, "value", text_limits.ANSWER_MAX_LENGTH),
    (DossierTransition, "comment", text_limits.COMMENT_MAX_LENGTH),
    (AxisComment, "text", text_limits.COMMENT_MAX_LENGTH),
    (CustomRateDefinition, "description", text_limits.DESCRIPTION_MAX_LENGTH),
    (Resource, "summary", text_limits.DESCRIPTION_MAX_LENGTH),
    (Resource, "rejection_reason", text_limits.COMMENT_MAX_LENGTH),
]
TOO_LONG_MESSAGE = "Assurez-vous que cette valeur comporte au plus"


@pytest.fixture
def dossier(structure):
    return Dossier.objects.create(structure=structure, campaign=make_campaign(2009))


@pytest.fixture
def rows(dossier, editor, advisor, uriae):
    """One saved row of each model holding a free text."""
    question = dossier.campaign.questions.get(code="presentation")
    return {
        Structure: dossier.structure,
        Question: question,
        Answer: Answer.objects.create(dossier=dossier, question=question, value="Réponse"),
        DossierTransition: DossierTransition.objects.create(
            dossier=dossier, name="ask_review", from_status="draft", to_status="in_review", actor=editor
        ),
        AxisComment: AxisComment.objects.create(
            dossier=dossier, axis=1, author=advisor, author_role="advisor", text="Bien"
        ),
        CustomRateDefinition: CustomRateDefinition.objects.create(name="Variante", created_by=advisor),
        Resource: Resource.objects.create(
            title="Outil", summary="Présentation", axis="1", category="recrutement", provider_network=uriae,
            url="https://outils.example.org/a",
        ),
    }  # fmt: skip


@pytest.mark.parametrize(("model", "field", "limit"), LIMITS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_the_model_and_the_database_refuse_one_character_too_many(rows, model, field, limit):
    row = rows[model]
    setattr(row, field, "é" * limit)
    row.full_clean()  # exactly the limit: accepted (characters, not bytes)
    model.objects.filter(pk=row.pk).update(**{field: "é" * limit})
    setattr(row, field, "é" * (limit + 1))
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    assert excinfo.value.message_dict[field] == [
        f"Assurez-vous que cette valeur comporte au plus {limit} caractères (actuellement {limit + 1})."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "é" * (limit + 1)})  # no validation on this path


def test_the_limits_are_the_form_fields_maxlength(client, editor, dossier):
    client.force_login(editor)
    page = client.get(reverse("dossiers:axis", args=[dossier.pk, 1])).text
    assert f'maxlength="{text_limits.ANSWER_MAX_LENGTH}"' in page
    page = client.get(reverse("dossiers:structure_edit", args=[dossier.structure.pk])).text
    assert f'maxlength="{text_limits.DESCRIPTION_MAX_LENGTH}"' in page


def test_a_too_long_answer_is_refused_and_nothing_of_the_axis_is_saved(client, editor, dossier):
    questions = {q.code: q.pk for q in dossier.campaign.questions.all()}
    client.force_login(editor)
    response = client.post(
        reverse("dossiers:axis", args=[dossier.pk, 1]),
        {
            "version": 0,
            f"q_{questions['presentation']}": "x" * (text_limits.ANSWER_MAX_LENGTH + 1),
            f"q_{questions['livret_accueil']}": "oui",
        },
    )
    assert response.status_code == 200
    assert TOO_LONG_MESSAGE in response.text
    assert not dossier.answers.exists()


def test_a_too_long_structure_activity_is_refused(client, editor, structure):
    client.force_login(editor)
    response = client.post(
        reverse("dossiers:structure_edit", args=[structure.pk]),
        {"name": structure.name, "commune": structure.commune, "activity": "x" * 5001},
    )
    assert response.status_code == 200
    assert TOO_LONG_MESSAGE in response.text
    structure.refresh_from_db()
    assert structure.activity == ""


def test_a_too_long_comment_is_not_published(client, advisor, dossier):
    set_status(dossier, Dossier.Status.IN_REVIEW)
    client.force_login(advisor)
    response = client.post(
        reverse("dossiers:comment", args=[dossier.pk, 1]),
        {"text": "x" * (text_limits.COMMENT_MAX_LENGTH + 1)},
        follow=True,
    )
    assert "comporte au plus 5000 caractères (actuellement 5001). Rien n&#x27;a été publié." in response.text
    assert not dossier.comments.exists()
    response = client.post(reverse("dossiers:comment", args=[dossier.pk, 1]), {"text": "  "}, follow=True)
    assert "Le commentaire est vide. Rien n&#x27;a été publié." in response.text


def test_a_transition_with_a_too_long_comment_is_not_applied(client, advisor, dossier):
    set_status(dossier, Dossier.Status.IN_REVIEW)
    client.force_login(advisor)
    response = client.post(
        reverse("dossiers:transition", args=[dossier.pk, "approve"]),
        {"comment": "x" * (text_limits.COMMENT_MAX_LENGTH + 1)},
        follow=True,
    )
    assert "Commentaire : Assurez-vous que cette valeur comporte au plus 5000 caractères" in response.text
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.IN_REVIEW
    assert not dossier.transitions.exists()


def test_a_too_long_rate_definition_description_is_refused(client, advisor, uriae):
    client.force_login(advisor)
    response = client.post(
        reverse("indicators:definition_create"),
        {"name": "Variante", "description": "x" * 5001, "network": uriae.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert TOO_LONG_MESSAGE in response.text
    assert not CustomRateDefinition.objects.exists()


def test_too_long_toolbox_texts_are_refused(client, editor, advisor, structure, uriae):
    client.force_login(editor)
    data = {
        "title": "Grille d'entretien",
        "summary": "x" * (text_limits.DESCRIPTION_MAX_LENGTH + 1),
        "axis": "1",
        "kinds": ["EI"],
        "category": "recrutement",
        "provider": f"structure:{structure.pk}",
        "url": "https://outils.example.org/grille",
    }
    response = client.post(reverse("toolbox:propose"), data)
    assert response.status_code == 200
    assert TOO_LONG_MESSAGE in response.text
    assert not Resource.objects.exists()
    proposal = ResourceFactory(provider_network=uriae, proposal=True)
    client.force_login(advisor)
    response = client.post(
        reverse("toolbox:reject", args=[proposal.pk]), {"reason": "x" * (text_limits.COMMENT_MAX_LENGTH + 1)}
    )
    assert response.status_code == 200
    assert TOO_LONG_MESSAGE in response.text
    proposal.refresh_from_db()
    assert proposal.status == Resource.Status.PROPOSED
