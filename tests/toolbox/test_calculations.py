import pytest

from toolbox.calculations import (
    download_filename,
    human_size,
    normalize_tags,
    origin_of,
    search_words,
    searchable_text,
    singular,
    straight_apostrophes,
    strip_accents,
)


def test_normalize_tags():
    assert normalize_tags("Recrutement, entretien ; GRILLE\nentretien,, ") == ["recrutement", "entretien", "grille"]
    assert normalize_tags("  Prévention   des risques ") == ["prévention des risques"]
    assert normalize_tags("") == []
    assert len(normalize_tags(",".join(f"t{n}" for n in range(30)))) == 12
    assert normalize_tags("x" * 100) == ["x" * 40]


def test_search_words():
    assert search_words("grilles d'entretien, (recrutement)") == ["grille", "entretien", "recrutement"]
    assert search_words("a Grille grille") == ["Grille"]
    assert search_words("") == []


def test_strip_accents():
    assert strip_accents("Prévention, sécurité, œuvre, à") == "Prevention, securite, œuvre, a"


def test_searchable_text():
    assert searchable_text("Prévention", "", "SÉCURITÉ, Œuvre") == "prevention securite, œuvre"


def test_download_filename():
    assert download_filename("Grille d'entretien (version 2)", "pdf") == "grille-d-entretien-version-2.pdf"
    assert download_filename("Série de 12 affiches", "pdf") == "serie-de-12-affiches.pdf"
    assert download_filename("«»", "xlsx") == "ressource.xlsx"
    assert download_filename("../../etc/passwd", "") == "etc-passwd"
    assert len(download_filename("a" * 300, "pdf")) == 84


def test_human_size():
    assert human_size(None) == "" and human_size(0) == ""
    assert human_size(512) == "512\u00a0o"
    assert human_size(1536) == "1,5\u00a0Ko"
    assert human_size(10 * 1024 * 1024) == "10\u00a0Mo"


def test_origin_of_a_link_for_the_content_security_policy():
    assert origin_of("https://Outils.Example.org/grille?x=1#a") == "https://outils.example.org"
    assert origin_of("http://user:secret@example.org:8080/a") == "http://example.org:8080"
    assert origin_of("https://[2001:db8::1]:8443/") == "https://[2001:db8::1]:8443"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("affiches", "affiche"), ("réseaux", "réseau"), ("livret", "livret"), ("des", "des"), ("bus", "bus"),
     ("stress", "stress"), ("prix", "pri")],
)  # fmt: skip
def test_singular_folds_a_final_s_or_x(word, expected):
    assert singular(word) == expected


def test_search_words_drop_elided_articles_and_fold_apostrophes():
    assert search_words("d’accueil l'entretien") == ["accueil", "entretien"]
    assert straight_apostrophes("Livret d’accueil") == "Livret d'accueil"
    assert searchable_text("Livret d’Accueil") == "livret d'accueil"
