"""A resource's file leaves MEDIA_ROOT with it: deleted or replaced, once the transaction commits."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource


def stored_files(settings):
    media = Path(settings.MEDIA_ROOT)
    return sorted(path.relative_to(media).as_posix() for path in media.rglob("*") if path.is_file())


def test_deleting_a_resource_keeps_its_file_until_the_commit(public_resource, settings):
    path = Path(public_resource.file.path)
    assert path.exists()
    public_resource.delete()
    assert path.exists()  # the transaction is not committed yet
    assert stored_files(settings) == [public_resource.file.name]


def test_the_file_goes_once_the_deletion_is_committed(public_resource, django_capture_on_commit_callbacks):
    path = Path(public_resource.file.path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        public_resource.delete()
    assert len(callbacks) == 1
    assert not path.exists()


def test_a_rolled_back_deletion_keeps_the_file(public_resource, django_capture_on_commit_callbacks):
    path = Path(public_resource.file.path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            Resource.objects.filter(pk=public_resource.pk).delete()
            raise RuntimeError("la suite a échoué")
    assert callbacks == []
    assert path.exists() and Resource.objects.filter(pk=public_resource.pk).exists()


def test_a_file_still_referenced_by_another_row_is_kept(public_resource, django_capture_on_commit_callbacks):
    twin = ResourceFactory(provider_network=public_resource.provider_network, with_file=True)
    Resource.objects.filter(pk=twin.pk).update(file=public_resource.file.name)
    path = Path(public_resource.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        public_resource.delete()
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        Resource.objects.get(pk=twin.pk).delete()
    assert not path.exists()


def test_replacing_the_file_removes_the_old_one_only(public_resource, settings, django_capture_on_commit_callbacks):
    resource = Resource.objects.get(pk=public_resource.pk)
    old = resource.file.name
    with django_capture_on_commit_callbacks(execute=True):
        resource.file = ContentFile(b"%PDF-1.4\nversion 2\n", name="outil-v2.pdf")
        resource.save()
    assert stored_files(settings) == [resource.file.name] and resource.file.name != old
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        resource.title = "Nouveau titre"
        resource.save()  # the file is not replaced: nothing to delete
        resource.save(update_fields=["title"])
    assert callbacks == []
    assert stored_files(settings) == [resource.file.name]


def test_a_rolled_back_replacement_keeps_the_old_file(public_resource, django_capture_on_commit_callbacks):
    resource = Resource.objects.get(pk=public_resource.pk)
    old = Path(resource.file.path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            resource.file = ContentFile(b"%PDF-1.4\nversion 2\n", name="outil-v2.pdf")
            resource.save()
            raise RuntimeError("la suite a échoué")
    assert callbacks == [] and old.exists()


def test_a_link_resource_is_deleted_without_touching_the_storage(uriae, django_capture_on_commit_callbacks):
    resource = ResourceFactory(provider_network=uriae)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        resource.delete()
    assert callbacks == []


def test_admin_deletions_remove_the_files(
    client, portal_admin, public_resource, restricted_resource, uriae, settings, django_capture_on_commit_callbacks
):
    third = ResourceFactory(provider_network=uriae, with_file=True)
    client.force_login(portal_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:toolbox_resource_delete", args=[public_resource.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert public_resource.file.name not in stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:toolbox_resource_changelist"),
            {"action": "delete_selected", "_selected_action": [restricted_resource.pk], "post": "yes"},
        )
    assert not Resource.objects.filter(pk=restricted_resource.pk).exists()
    assert stored_files(settings) == [third.file.name]


def test_admin_replacing_the_file_by_another_removes_the_old_one(
    client, portal_admin, public_resource, pdf_bytes, settings, django_capture_on_commit_callbacks
):
    client.force_login(portal_admin)
    url = reverse("admin:toolbox_resource_change", args=[public_resource.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "file"}
    data.update(
        {
            "proposed_by": "",
            "provider_structure": "",
            "file": SimpleUploadedFile("grille-v2.pdf", pdf_bytes, content_type="application/pdf"),
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    public_resource.refresh_from_db()
    assert public_resource.file.name.endswith("grille-v2.pdf")
    assert stored_files(settings) == [public_resource.file.name]
