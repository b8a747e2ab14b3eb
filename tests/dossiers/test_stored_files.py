"""An attachment leaves MEDIA_ROOT with its answer: replaced, cleared or deleted, once the transaction
commits, never when it rolls back."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from dossiers import services
from dossiers.models import Answer, Dossier

PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def attach(dossier, code="organigramme"):
    answer = Answer(dossier=dossier, question=dossier.campaign.questions.get(code=code))
    answer.attachment_name = "organigramme.pdf"
    answer.attachment.save("organigramme.pdf", SimpleUploadedFile("organigramme.pdf", PDF), save=False)
    answer.save()
    return answer


def stored_files(settings):
    media = Path(settings.MEDIA_ROOT)
    return sorted(path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file())


def test_replacing_an_attachment_removes_the_old_file(
    client, editor, dossier, settings, django_capture_on_commit_callbacks
):
    old = attach(dossier)
    question = old.question
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dossiers:axis", args=[dossier.pk, 1]),
            {"version": 0, f"q_{question.pk}": SimpleUploadedFile("organigramme-2.png", PNG)},
        )
    assert response.status_code == 302
    new = Answer.objects.get(pk=old.pk)
    assert new.attachment_name == "organigramme-2.png"
    assert stored_files(settings) == [new.attachment.name] and new.attachment.name != old.attachment.name


def test_clearing_an_attachment_removes_the_file_after_the_commit(dossier, editor, django_capture_on_commit_callbacks):
    answer = attach(dossier)
    path = Path(answer.attachment.path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.save_axis(dossier, 1, editor, version=0, values={}, files={}, clears={answer.question})
    assert path.exists()  # not committed yet
    assert not Answer.objects.filter(pk=answer.pk).exists()
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_a_rolled_back_clear_keeps_the_attachment(dossier, editor, django_capture_on_commit_callbacks):
    answer = attach(dossier)
    path = Path(answer.attachment.path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.save_axis(dossier, 1, editor, version=0, values={}, files={}, clears={answer.question})
            raise RuntimeError("la suite a échoué")
    assert callbacks == []
    assert path.exists() and Answer.objects.filter(pk=answer.pk).exists()


def test_deleting_an_answer_in_the_admin_removes_its_file(
    client, portal_admin, dossier, settings, django_capture_on_commit_callbacks
):
    answer = attach(dossier)
    client.force_login(portal_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:dossiers_answer_delete", args=[answer.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert stored_files(settings) == []


def test_deleting_a_dossier_removes_the_files_of_its_answers(
    dossier, other_dossier, settings, django_capture_on_commit_callbacks
):
    attach(dossier)
    kept = attach(other_dossier)
    with django_capture_on_commit_callbacks(execute=True):
        Dossier.objects.get(pk=dossier.pk).delete()
    assert stored_files(settings) == [kept.attachment.name]
