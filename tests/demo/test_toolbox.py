from django.core.management import call_command

from siae_portal.uploads import validate_upload
from toolbox.models import Resource


def test_seed_loads_the_catalogue_once(db, capsys):
    call_command("seed_demo")
    published = Resource.objects.published()
    assert published.count() >= 30
    count = Resource.objects.count()
    call_command("seed_demo")
    assert Resource.objects.count() == count
    assert "Boîte à outils : 0 ressources ajoutées" in capsys.readouterr().out

    titles = set(published.values_list("title", flat=True))
    for expected in (
        "Certification CEDRE : un engagement qualité",
        "Série de 12 affiches de prévention des risques",
        "Grille d'entretien de recrutement",
        "Plan de financement",
        "Léa : logiciel pour l'évaluation et l'accompagnement",
        "Centre de ressources VITA",
    ):
        assert expected in titles
    cedre = Resource.objects.get(title__startswith="Certification CEDRE")
    assert (cedre.provider_network.code, cedre.category) == ("COORACE", "qualite")
    assert Resource.objects.get(title="Grille d'entretien de recrutement").axis == "1"
    assert set(published.filter(category="economie").values_list("axis", flat=True)) == {"4"}
    lea = Resource.objects.get(title__startswith="Léa")
    assert lea.restricted_to.code == "CHANTIER_ECOLE" and lea.kinds == ["ACI"]
    booklet = Resource.objects.get(title__startswith="Livret prévention")
    assert booklet.restricted_to.code == "UNAI" and booklet.kinds == ["AI"]
    assert Resource.objects.filter(provider_structure__isnull=False).exists()
    assert Resource.objects.proposed().filter(proposed_by__email="siae@demo.local").count() == 1
    assert Resource.objects.filter(status="rejected").exclude(rejection_reason="").count() == 1

    # Every file passes the upload checks; every link is an example address.
    for resource in Resource.objects.exclude(file=""):
        with resource.file.open("rb") as handle:
            assert validate_upload(handle.file if hasattr(handle, "file") else handle) == resource.file_type
    assert all(".example.org" in url for url in Resource.objects.exclude(url="").values_list("url", flat=True))
