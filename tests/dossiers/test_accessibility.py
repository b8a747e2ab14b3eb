"""Structural accessibility checks on every page, as each role sees it: language, landmarks,
one h1 and no skipped heading level, a label for every field, captions and column headers on
tables, unique ids. Read from the HTML the user receives (standard library parser)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dossiers import services
from tests.dossiers.conftest import answer_all_required

CONTROLS = {"input", "select", "textarea"}
NOT_LABELLED = {"hidden", "submit", "button", "reset", "image"}


class PageStructure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.landmarks = set()
        self.headings = []
        self.ids = []
        self.label_targets = set()
        self.controls = []  # (tag, attrs, inside a <label>)
        self.tables = []  # [has caption, [scope of each thead th]]
        self._label_depth = 0
        self._in_thead = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag in {"main", "header", "footer", "nav"}:
            self.landmarks.add(tag)
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        if tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_targets.add(attrs["for"])
        if tag in CONTROLS and attrs.get("type", "text") not in NOT_LABELLED:
            self.controls.append((tag, attrs, self._label_depth > 0))
        if tag == "table":
            self.tables.append([False, []])
        if tag == "caption" and self.tables:
            self.tables[-1][0] = True
        if tag == "thead":
            self._in_thead = True
        if tag == "th" and self._in_thead and self.tables:
            self.tables[-1][1].append(attrs.get("scope"))

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1
        if tag == "thead":
            self._in_thead = False


def check_page(html):
    """The list of accessibility faults of one page (empty when it passes)."""
    page = PageStructure()
    page.feed(html)
    faults = []
    if page.lang != "fr":
        faults.append(f"langue : {page.lang!r}")
    missing = {"main", "header", "footer", "nav"} - page.landmarks
    if missing:
        faults.append(f"repères manquants : {sorted(missing)}")
    if page.headings.count(1) != 1:
        faults.append(f"{page.headings.count(1)} titres h1")
    for previous, current in zip(page.headings, page.headings[1:], strict=False):
        if current > previous + 1:
            faults.append(f"niveau de titre sauté : h{previous} puis h{current}")
    for tag, attrs, wrapped in page.controls:
        labelled = wrapped or attrs.get("aria-label") or attrs.get("aria-labelledby")
        if not labelled and attrs.get("id") not in page.label_targets:
            faults.append(f"champ sans étiquette : <{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}>")
    for has_caption, scopes in page.tables:
        if not has_caption:
            faults.append("tableau sans légende (caption)")
        if any(scope != "col" for scope in scopes):
            faults.append(f"en-têtes de colonne sans scope=col : {scopes}")
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    if duplicates:
        faults.append(f"identifiants en double : {sorted(duplicates)}")
    return faults


def test_the_checker_finds_faults():
    bad = (
        '<html lang="en"><body><h1>A</h1><h3>B</h3><h1>C</h1><input name="x" id="x"><select name="y"></select>'
        '<table><thead><tr><th>T</th></tr></thead></table><p id="d"></p><p id="d"></p></body></html>'
    )
    faults = check_page(bad)
    assert "langue : 'en'" in faults
    assert "2 titres h1" in faults
    assert "niveau de titre sauté : h1 puis h3" in faults
    assert sum(f.startswith("champ sans étiquette") for f in faults) == 2
    assert "tableau sans légende (caption)" in faults
    assert "identifiants en double : ['d']" in faults
    assert any(f.startswith("repères manquants") for f in faults)
    good = (
        '<html lang="fr"><header><nav></nav></header><main><h1>A</h1><h2>B</h2><label for="x">X</label>'
        '<input id="x" name="x"><label>Y <input name="y"></label><input type="hidden" name="z">'
        '<table><caption>C</caption><thead><tr><th scope="col">T</th></tr></thead></table></main><footer></footer>'
    )
    assert check_page(good) == []


@pytest.fixture
def transmitted_twice(dossier, editor, agent):
    answer_all_required(dossier)
    services.apply_transition(dossier, "submit", editor, notify=False)
    services.apply_transition(dossier, "request_complement", agent, comment="Précisez.", notify=False)
    services.apply_transition(dossier, "resubmit", editor, notify=False)
    return dossier


def _pages(dossier, structure):
    yield "home", reverse("home")
    yield "structure", reverse("dossiers:structure_detail", args=[structure.pk])
    yield "structure_edit", reverse("dossiers:structure_edit", args=[structure.pk])
    yield "list", reverse("dossiers:dossier_list")
    yield "detail", reverse("dossiers:detail", args=[dossier.pk])
    for axis in (1, 2, 3, 4):
        yield f"axis{axis}", reverse("dossiers:axis", args=[dossier.pk, axis])
    yield "snapshots", reverse("dossiers:snapshots", args=[dossier.pk])
    yield "password_change", reverse("password_change")


@pytest.mark.parametrize("role", ["editor", "reader", "advisor", "agent", "portal_admin", "orphan"])
@pytest.mark.parametrize("status", ["draft", "complement_requested"])
def test_every_page_passes_for_every_role(client, request, campaign, structure, role, status):
    from tests.dossiers.conftest import set_status

    if status == "draft":
        from dossiers.models import Dossier

        dossier = Dossier.objects.create(structure=structure, campaign=campaign)
    else:
        dossier = request.getfixturevalue("transmitted_twice")
        set_status(dossier, status)
    client.force_login(request.getfixturevalue(role))
    checked = 0
    for name, url in _pages(dossier, structure):
        response = client.get(url)
        if response.status_code != 200:
            continue
        checked += 1
        assert check_page(response.text) == [], f"{role} · {name}"
    assert checked >= (2 if role == "orphan" else 4)


def test_the_conflict_page_and_a_form_with_errors_pass(client, editor, dossier):
    client.force_login(editor)
    question = dossier.campaign.questions.get(code="clauses_sociales")
    response = client.post(reverse("dossiers:axis", args=[dossier.pk, 4]), {"version": 0, f"q_{question.pk}": "?"})
    assert response.status_code == 200 and check_page(response.text) == []
    client.post(reverse("dossiers:axis", args=[dossier.pk, 1]), {"version": 0})
    response = client.post(reverse("dossiers:axis", args=[dossier.pk, 1]), {"version": 0})
    assert response.status_code == 409 and check_page(response.text) == []


@pytest.mark.parametrize("name", ["login", "password_reset"])
def test_public_pages_pass(client, db, name):
    assert check_page(client.get(reverse(name)).text) == []
