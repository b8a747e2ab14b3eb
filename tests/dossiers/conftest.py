"""Campaign fixtures: a 2009 campaign with a small questionnaire (required and optional
questions on every axis, one file question, one ACI-only question), its 2008 predecessor, and
the dossiers of the personas' structures."""

import datetime

import pytest

from dossiers.models import Answer, Campaign, Dossier, Question
from tests.personas import ROLES  # noqa: F401  (re-exported for the test modules)

QUESTIONS = [
    # axis, code, label, type, required, kinds
    (1, "presentation", "Présentez votre structure.", "long_text", True, []),
    (1, "organigramme", "Joignez l'organigramme.", "file", False, []),
    (1, "livret_accueil", "Remettez-vous un livret d'accueil ?", "yes_no", True, []),
    (2, "parcours_insertion", "Comment le parcours est-il formalisé ?", "long_text", True, []),
    (2, "duree_parcours", "Durée moyenne des parcours (mois).", "number", False, []),
    (3, "plan_formation", "Présentez votre plan de formation.", "long_text", True, []),
    (3, "dernier_comite", "Date du dernier comité.", "date", False, []),
    (4, "strategie_economique", "Décrivez votre stratégie économique.", "long_text", True, []),
    (4, "clauses_sociales", "Marchés avec clauses sociales ?", "choice", False, []),
    (4, "ressources_propres", "Part des ressources propres (%).", "number", True, ["ACI"]),
]


def make_campaign(year, codes=None):
    campaign = Campaign.objects.create(
        year=year,
        title=f"Conventionnement {year}",
        opens_on=datetime.date(year, 1, 5),
        review_deadline=datetime.date(year, 3, 1),
        submission_deadline=datetime.date(year, 3, 15),
    )
    for order, (axis, code, label, answer_type, required, kinds) in enumerate(QUESTIONS):
        if codes is not None and code not in codes:
            continue
        Question.objects.create(
            campaign=campaign,
            axis=axis,
            section=f"Rubrique {axis}",
            code=code,
            label=label,
            answer_type=answer_type,
            required=required,
            kinds=kinds,
            options="Régulièrement\nJamais" if answer_type == "choice" else "",
            order=order,
        )
    return campaign


@pytest.fixture
def campaign(db):
    return make_campaign(2009)


@pytest.fixture
def previous_campaign(db):
    return make_campaign(2008, codes={"presentation", "livret_accueil", "plan_formation", "duree_parcours"})


@pytest.fixture
def dossier(campaign, structure):
    return Dossier.objects.create(structure=structure, campaign=campaign)


@pytest.fixture
def other_dossier(campaign, other_structure):
    return Dossier.objects.create(structure=other_structure, campaign=campaign)


def answer_all_required(dossier, user=None):
    for question in dossier.questions():
        if question.required:
            value = {"yes_no": "oui", "number": "12"}.get(question.answer_type, f"Réponse à {question.code}")
            Answer.objects.update_or_create(
                dossier=dossier, question=question, defaults={"value": value, "updated_by": user}
            )


def set_status(dossier, status):
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def complete_dossier(dossier):
    answer_all_required(dossier)
    return dossier
