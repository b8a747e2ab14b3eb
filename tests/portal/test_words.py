"""French plural agreement: 0 and 1 take the singular."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from siae_portal.words import counted, plural


@pytest.mark.parametrize(("count", "expected"), [(0, ""), (1, ""), (2, "s"), (10, "s"), (-3, "s"), ("x", "")])
def test_plural(count, expected):
    assert plural(count) == expected


def test_words_agree():
    assert counted(0, "question modifiée", "questions modifiées") == "0 question modifiée"
    assert counted(1, "téléchargement") == "1 téléchargement"
    assert counted(3, "téléchargement") == "3 téléchargements"
    assert plural(1, "a,ont") == "a" and plural(4, "a,ont") == "ont"
    assert plural([1, 2]) == "s"


def test_every_template_has_the_filter():
    template = engines["django"].from_string(
        "{{ n }} question{{ n|pluriel }} modifiée{{ n|pluriel }}, {{ d }} téléchargement{{ d|pluriel }}"
    )
    assert template.render({"n": 0, "d": 1}) == "0 question modifiée, 1 téléchargement"
    assert template.render({"n": 2, "d": 5}) == "2 questions modifiées, 5 téléchargements"


def test_no_template_uses_the_english_plural():
    """Django's `pluralize` makes 0 plural ("0 questions"): every template says `pluriel`."""
    templates = Path(settings.BASE_DIR, "templates")
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*")
        if path.is_file() and "|pluralize" in path.read_text()
    ]
    assert offenders == []
