import pytest
from django.core import mail
from django.urls import reverse

from demo.generators import demo_pdf
from tests.personas import (
    ROLES,  # noqa: F401  (re-exported for the test modules)
    login_as,
)
from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource
from toolbox.services import reject

# Members of URIAE: staff of "structure" (Nord Recyclage, URIAE), the URIAE advisor; admins see all.
URIAE_MEMBERS = {"editor", "reader", "advisor", "portal_admin"}


@pytest.fixture
def login(client, request):
    return lambda role: login_as(client, request, role)


@pytest.fixture
def pdf_bytes():
    return demo_pdf([("Grille d'entretien", ["Questions à poser"])])


@pytest.fixture
def public_resource(coorace):
    return ResourceFactory(title="Grille d'entretien de recrutement", provider_network=coorace, with_file=True)


@pytest.fixture
def restricted_resource(uriae):
    return ResourceFactory(
        title="Livret prévention réservé", provider_network=uriae, restricted_to=uriae, with_file=True
    )


@pytest.fixture
def proposal(editor, structure):
    """A file proposed by the editor of "Nord Recyclage" (URIAE), waiting for moderation."""
    return ResourceFactory(
        title="Modèle de livret d'accueil",
        provider_network=None,
        provider_structure=structure,
        proposed_by=editor,
        proposal=True,
        with_file=True,
    )


# A refused proposal and its correction (test_resubmission, test_mail_failure).
REASON = "Le document contient le nom d'un salarié : retirez-le."


@pytest.fixture
def refused(proposal, advisor):
    """The editor's proposal, refused by the URIAE advisor (the refusal's e-mail is not kept)."""
    reject(proposal, by=advisor, reason=REASON)
    mail.outbox.clear()
    return Resource.objects.get(pk=proposal.pk)


def form_data(resource, **overrides):
    provider = resource.provider_network or resource.provider_structure
    data = {
        "title": resource.title,
        "summary": "Le livret, sans aucun nom de salarié.",
        "axis": resource.axis,
        "category": resource.category,
        "kinds": resource.kinds,
        "provider": f"{'network' if resource.provider_network_id else 'structure'}:{provider.pk}",
        "url": resource.url,
        "tags": resource.tags,
        "restricted_to": resource.restricted_to_id or "",
    }
    data.update(overrides)
    return data


def resubmit_url(resource):
    return reverse("toolbox:resubmit", args=[resource.pk])


def publish_in_admin(client, admin, resource):
    """Publish `resource` through the admin's action, as `admin`; the page it leads to."""
    client.force_login(admin)
    return client.post(
        reverse("admin:toolbox_resource_changelist"),
        {"action": "publish_proposals", "_selected_action": [resource.pk]},
        follow=True,
    )
