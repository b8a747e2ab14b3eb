import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Membership, User
from dossiers.models import Network, Structure
from siae_portal.validators import validate_siret

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_realistic():
    call_command("seed_demo")
    counts = (Structure.objects.count(), Network.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (
        Structure.objects.count(),
        Network.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert counts[0] >= 30
    assert set(Structure.objects.values_list("kind", flat=True)) == {"EI", "ETTI", "AI", "ACI"}
    assert set(Structure.objects.values_list("departement", flat=True)) == {"59", "62"}
    for siret in Structure.objects.values_list("siret", flat=True):
        validate_siret(siret)
    assert set(Network.objects.values_list("code", flat=True)) >= {"URIAE", "COORACE", "CHANTIER_ECOLE", "FEI", "UNAI"}


@pytest.mark.parametrize(
    ("email", "heading"),
    [
        ("admin@demo.local", "Toutes les structures"),
        ("siae@demo.local", "Vos structures"),
        ("conseiller@demo.local", "Les structures de votre réseau"),
        ("ddtefp59@demo.local", "Les structures de votre département"),
        ("ddtefp62@demo.local", "Les structures de votre département"),
    ],
)
def test_demo_accounts_log_in_with_the_documented_password(client, email, heading):
    call_command("seed_demo")
    assert client.login(request=HttpRequest(), username=email, password="demo-siae-2009")
    response = client.get(reverse("home"))
    assert heading in response.text


def test_demo_siae_account_edits_one_ei_and_reads_one_aci():
    call_command("seed_demo")
    scope = User.objects.get(email="siae@demo.local").scope
    editor_of = Structure.objects.get(pk__in=scope.editor_structure_ids)
    reader_of = Structure.objects.get(pk__in=scope.reader_structure_ids)
    assert (editor_of.kind, editor_of.departement) == ("EI", "59")
    assert reader_of.kind == "ACI"
