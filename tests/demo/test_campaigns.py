import pytest

from dossiers.models import Campaign, Dossier, Question


@pytest.mark.django_db
def test_seed_creates_the_campaigns_and_is_idempotent():
    from django.core.management import call_command

    call_command("seed_demo")
    call_command("seed_demo")
    c2009, c2008 = Campaign.objects.get(year=2009), Campaign.objects.get(year=2008)
    questions = list(c2009.questions.all())
    assert len(questions) >= 25
    assert {q.axis for q in questions} == {1, 2, 3, 4}
    assert any(q.kinds == ["ACI"] for q in questions)
    assert any(set(q.kinds) == {"AI", "ETTI"} for q in questions)
    assert {q.answer_type for q in questions} == set(Question.AnswerType.values)
    sections = {q.section for q in questions}
    for heading in [
        "Présentation de la SIAE",
        "Livret d'accueil",
        "Comités de pilotage",
        "Plan de formation",
        "Marchés et clauses sociales",
        "Contribution au développement du territoire",
    ]:
        assert heading in sections
    for question in questions:
        question.full_clean()
    # 2008: answered dossiers to reuse from; 2009: dossiers at several stages.
    assert c2008.dossiers.count() == Dossier.objects.filter(campaign=c2008).count() >= 30
    assert all(d.answers.exists() for d in c2008.dossiers.all()[:5])
    statuses = set(c2009.dossiers.values_list("status", flat=True))
    assert {
        "draft",
        "in_review",
        "changes_requested",
        "approved",
        "submitted",
        "complement_requested",
        "acknowledged",
    } <= statuses
    # The demo SIAE account has a 2008 dossier and no 2009 one yet: it can show "reuse last year".
    assert not c2009.dossiers.filter(structure__name="Nord Recyclage Services").exists()
    assert c2008.dossiers.filter(structure__name="Nord Recyclage Services").exists()
