"""A dossier's status and a question's answer type are each defined once: the model's choices,
the database constraint and the badge the pages show all come from that one definition."""

import pytest
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from dossiers import workflow as wf
from dossiers.models import Dossier, Question


@pytest.mark.parametrize("status", wf.STATUS_TABLE, ids=lambda status: status.value)
def test_each_status_badge_has_the_colour_and_label_of_the_table(status):
    html = render_to_string("dossiers/includes/status_badge.html", {"dossier": Dossier(status=status.value)})
    assert f'<span class="badge {status.badge}" data-status="{status.value}">{status.label}</span>' in html
    assert "en retard" not in html


def test_the_database_takes_every_status_of_the_table_and_no_other(dossier):
    for status in wf.STATUS_TABLE:
        Dossier.objects.filter(pk=dossier.pk).update(status=status.value)
    with pytest.raises(IntegrityError, match="dossier_status_valid"), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(status="archived")


def test_the_database_takes_every_answer_type_and_no_other(campaign):
    question = campaign.questions.first()
    for answer_type in Question.AnswerType.values:
        Question.objects.filter(pk=question.pk).update(answer_type=answer_type)
    with pytest.raises(IntegrityError, match="question_answer_type_valid"), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(answer_type="audio")
