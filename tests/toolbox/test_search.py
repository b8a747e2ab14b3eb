"""Search runs on the active database: French full-text search on PostgreSQL, a plain search on SQLite.
The CI runs this file on both."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource

POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def catalogue(uriae):
    return {
        "posters": ResourceFactory(
            title="Série de 12 affiches de prévention des risques",
            summary="Pour sensibiliser les salariés en insertion aux risques de leurs activités.",
            tags="affiches, sécurité",
            provider_network=uriae,
        ),
        "interview": ResourceFactory(
            title="Grille d'entretien de recrutement",
            summary="Les questions à poser aux candidats positionnés par les prescripteurs.",
            tags="recrutement, embauche",
            provider_network=uriae,
        ),
        "finance": ResourceFactory(
            title="Plan de financement",
            summary="Besoins et ressources sur trois ans.",
            tags="investissement",
            provider_network=uriae,
        ),
    }


def _search(text):
    return set(Resource.objects.search(text).values_list("title", flat=True))


def test_words_of_title_summary_and_tags_are_found_on_every_database(catalogue):
    assert _search("affiches") == {"Série de 12 affiches de prévention des risques"}
    assert _search("prescripteurs") == {"Grille d'entretien de recrutement"}  # summary
    assert _search("investissement") == {"Plan de financement"}  # tags
    assert _search("grille recrutement") == {"Grille d'entretien de recrutement"}  # all words
    assert _search("grille financement") == set()
    assert _search("") == _search("   ") == {r.title for r in catalogue.values()}


@pytest.mark.parametrize(
    "text",
    ["livret d’accueil", "Livret d'accueil", "livrets", "LIVRETS D’ACCUEIL", "accueils", "l’accueil"],
)
def test_apostrophes_and_plurals_are_searched_alike_on_every_database(text, uriae):
    """Word processors type ’ where keyboards type ': both spellings find both, and a plural finds
    the singular (and the other way round), on PostgreSQL (French stems) as on SQLite (folding)."""
    ResourceFactory(title="Livret d’accueil", summary="Pour les nouveaux salariés.", provider_network=uriae)
    ResourceFactory(title="Livret d'accueil (modèle)", summary="À adapter.", provider_network=uriae)
    assert _search(text) == {"Livret d’accueil", "Livret d'accueil (modèle)"}


def test_a_singular_finds_the_plural_on_every_database(catalogue):
    assert _search("affiche") == {"Série de 12 affiches de prévention des risques"}
    assert _search("risque salarié") == {"Série de 12 affiches de prévention des risques"}


@pytest.mark.skipif(not POSTGRESQL, reason="French stemming and accent folding exist on PostgreSQL only")
def test_postgresql_search_is_french_full_text(catalogue):
    # Plural and singular share a stem: "entretiens" finds "entretien", "affiche" finds "affiches".
    assert _search("entretiens") == {"Grille d'entretien de recrutement"}
    assert _search("affiche") == {"Série de 12 affiches de prévention des risques"}
    assert _search("candidat") == {"Grille d'entretien de recrutement"}
    # Accents do not matter, and stop words ("de", "des") are ignored.
    assert _search("prevention des risques") == {"Série de 12 affiches de prévention des risques"}
    assert _search("sécurités") == {"Série de 12 affiches de prévention des risques"}
    # Ranked: a title match comes before a summary-only match.
    ResourceFactory(
        title="Livret d'accueil",
        summary="Avec une page sur la prévention.",
        provider_network=catalogue["posters"].provider_network,
    )
    ranked = list(Resource.objects.search("prévention").order_by("-rank").values_list("title", flat=True))
    assert ranked == ["Série de 12 affiches de prévention des risques", "Livret d'accueil"]


@pytest.mark.skipif(POSTGRESQL, reason="SQLite has a plain, case-insensitive substring search")
def test_sqlite_search_is_a_plain_substring_search(catalogue):
    assert _search("ENTRETIEN") == {"Grille d'entretien de recrutement"}
    assert _search("entretiens") == {"Grille d'entretien de recrutement"}  # a final s is folded
    assert _search("financ") == {"Plan de financement"}  # substrings match
    assert _search("PREVENTION Sécurite") == {"Série de 12 affiches de prévention des risques"}  # no accents, no case


@pytest.mark.skipif(POSTGRESQL, reason="SQLite has a plain, case-insensitive substring search")
def test_sqlite_search_text_follows_edits_and_bulk_imports(catalogue):
    finance = catalogue["finance"]
    finance.title = "Plan de trésorerie"
    finance.save(update_fields=["title"])
    assert _search("tresorerie") == {"Plan de trésorerie"}
    finance.status = "published"
    finance.save(update_fields=["status"])  # no searched field: the stored text stays
    assert Resource.objects.get(pk=finance.pk).search_text.startswith("plan de tresorerie")
    Resource.objects.bulk_create([Resource(**{**_fields(finance), "title": "Audit énergétique"})])
    assert _search("audit") == set()
    Resource.objects.filter(search_text="").refresh_search_index()
    assert _search("audit energetique") == {"Audit énergétique"}


def test_browse_search_on_the_active_database(client, other_editor, catalogue):
    client.force_login(other_editor)
    response = client.get(reverse("toolbox:browse"), {"q": "entretiens" if POSTGRESQL else "entretien"})
    assert [r.title for r in response.context["page"].object_list] == ["Grille d'entretien de recrutement"]
    assert "Résultats de la recherche" in response.text
    response = client.get(reverse("toolbox:browse"), {"q": "introuvable"})
    assert response.context["page"].paginator.count == 0
    assert "Aucun outil ne correspond" in response.text


def test_search_respects_visibility(client, other_editor, uriae):
    ResourceFactory(title="Affiches réservées", provider_network=uriae, restricted_to=uriae)
    ResourceFactory(title="Affiches proposées", provider_network=uriae, proposal=True)
    client.force_login(other_editor)
    response = client.get(reverse("toolbox:browse"), {"q": "affiches"})
    assert response.context["page"].paginator.count == 0


@pytest.mark.skipif(not POSTGRESQL, reason="The stored search vector exists on PostgreSQL only")
def test_stored_vector_follows_edits_and_bulk_imports(catalogue, uriae):
    finance = catalogue["finance"]
    finance.title = "Plan de trésorerie"
    finance.save()
    assert _search("tresoreries") == {"Plan de trésorerie"}
    assert _search("financement") == set()
    Resource.objects.bulk_create([Resource(**{**_fields(finance), "title": "Audit énergétique"})])
    assert _search("audit") == set()  # bulk_create bypasses save()
    Resource.objects.filter(search_vector__isnull=True).refresh_search_index()
    assert not Resource.objects.filter(search_text="").exists()
    assert _search("audits energetiques") == {"Audit énergétique"}


def _fields(resource):
    names = ("summary", "axis", "category", "provider_network", "url", "status", "moderated_at", "published_at")
    return {name: getattr(resource, name) for name in names}
