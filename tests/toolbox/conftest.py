import pytest

from demo.generators import demo_pdf
from tests.personas import ROLES  # noqa: F401  (re-exported for the test modules)
from tests.toolbox.factories import ResourceFactory

# Members of URIAE: staff of "structure" (Nord Recyclage, URIAE), the URIAE advisor; admins see all.
URIAE_MEMBERS = {"editor", "reader", "advisor", "portal_admin"}


@pytest.fixture
def login(client, request):
    def _login(role):
        if role == "anonymous":
            return None
        user = request.getfixturevalue(role)
        client.force_login(user)
        return user

    return _login


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
