import re

import pytest
from django.contrib import admin
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse

from tests.factories import StructureFactory


@pytest.mark.parametrize("model_admin", admin.site._registry.values(), ids=lambda m: m.model._meta.label)
def test_every_admin_page_renders_in_french(client, portal_admin, structure, model_admin):
    client.force_login(portal_admin)
    opts = model_admin.model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert 'lang="fr' in changelist.text
    assert "Sélectionnez" in changelist.text
    if model_admin.has_add_permission(type("R", (), {"user": portal_admin})()):
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_admin_is_closed_to_non_staff(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 404  # as if it did not exist (siae_portal.admin)


def test_membership_cannot_be_deleted_from_the_admin(client, portal_admin, editor):
    client.force_login(portal_admin)
    membership = editor.memberships.get()
    response = client.get(reverse("admin:accounts_membership_delete", args=[membership.pk]))
    assert response.status_code == 403


def test_admin_creates_a_structure_and_refuses_a_wrong_siret(client, portal_admin):
    client.force_login(portal_admin)
    data = {
        "name": "Nouvelle EI",
        "kind": "EI",
        "siret": "12345678901234",
        "departement": "59",
        "commune": "Lille",
        "insertion_posts_etp": "5",
    }
    response = client.post(reverse("admin:dossiers_structure_add"), data)
    assert "clé de contrôle" in response.text
    data["siret"] = StructureFactory.build().siret
    response = client.post(reverse("admin:dossiers_structure_add"), data)
    assert response.status_code == 302


def test_password_reset_by_email(client, editor):
    response = client.post(reverse("password_reset"), {"email": editor.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Portail OS-IAE : réinitialisation de votre mot de passe"
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Un-nouveau-mot-de-passe-2009", "new_password2": "Un-nouveau-mot-de-passe-2009"},
    )
    assert response.status_code == 302
    assert client.login(request=HttpRequest(), username=editor.email, password="Un-nouveau-mot-de-passe-2009")


def test_password_change(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "motdepasse-de-test",
            "new_password1": "Encore-un-autre-2009",
            "new_password2": "Encore-un-autre-2009",
        },
    )
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200


def test_logout_is_a_post(client, editor):
    client.force_login(editor)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_unticking_active_in_the_membership_form_dates_the_deactivation(client, portal_admin, editor, structure):
    client.force_login(portal_admin)
    membership = editor.memberships.get()
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": editor.pk, "role": "siae_editor", "structure": structure.pk, "departement": ""},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert membership.deactivated_at is not None
