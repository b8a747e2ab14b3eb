"""The dossier's PDF summary: who may download it, which version each role gets, what it says
(read back with poppler's pdftotext), and a query count that does not grow with the questions."""

import base64
import datetime
import io
import os
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import pdf, services
from dossiers.models import Answer, AxisComment, Dossier, Question, Snapshot
from tests.dossiers.conftest import answer_all_required, set_status
from tests.factories import StructureFactory
from tests.personas import ROLES as PERSONAS
from tests.personas import get_as, login_as

ROLES = ["anonymous", *PERSONAS]
# "Nord Recyclage" (EI, Nord, URIAE): who may download its summary, as a draft and once transmitted.
SEES_DRAFT = {"editor", "reader", "advisor", "portal_admin"}
SEES_TRANSMITTED = SEES_DRAFT | {"agent"}


@pytest.fixture(scope="module")
def poppler():
    """pdftotext and pdfinfo: installed by .ci/run in CI, where their absence is a failure."""
    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true mais pdftotext/pdfinfo (poppler-utils) sont introuvables.")
    pytest.skip("poppler-utils (pdftotext, pdfinfo) n'est pas installé")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "synthese.pdf"
    path.write_bytes(content)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    # pdftotext breaks long lines: compare on single spaces.
    return re.sub(r"\s+", " ", result.stdout.decode("utf-8"))


def pdf_info(content: bytes, tmp_path) -> dict:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True, check=True).stdout
    return dict(line.split(":", 1) for line in info.decode("utf-8").splitlines() if ":" in line)


def pdf_pages(content: bytes, tmp_path) -> int:
    return int(pdf_info(content, tmp_path)["Pages"])


def _url(dossier, **params):
    url = reverse("dossiers:pdf", args=[dossier.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _answer(dossier, code, value="", user=None):
    question = dossier.campaign.questions.get(code=code)
    return Answer.objects.update_or_create(
        dossier=dossier, question=question, defaults={"value": value, "updated_by": user}
    )[0]


@pytest.fixture
def transmitted(complete_dossier, editor):
    """The personas' dossier, transmitted once to the DDTEFP (snapshot 1)."""
    services.apply_transition(complete_dossier, "submit", editor, notify=False)
    complete_dossier.refresh_from_db()
    return complete_dossier


# --- Who may download what ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_pdf_matrix_on_a_draft(client, request, dossier, role):
    response = get_as(client, request, role, _url(dossier), sees=SEES_DRAFT)
    if role in SEES_DRAFT:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert response["Content-Disposition"] == 'attachment; filename="synthese-os-2009-nord-recyclage.pdf"'


@pytest.mark.parametrize("role", ROLES)
def test_pdf_matrix_once_transmitted(client, request, transmitted, role):
    response = get_as(client, request, role, _url(transmitted), sees=SEES_TRANSMITTED)
    if role in SEES_TRANSMITTED:
        assert response.content.startswith(b"%PDF-")
        # The agent gets the transmitted version (its number is in the file name), the others the live answers.
        expected = "synthese-os-2009-nord-recyclage" + ("-v1" if role == "agent" else "") + ".pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
        assert response["Cache-Control"] == "private, no-store"


def test_the_pdf_is_get_only(client, editor, dossier):
    client.force_login(editor)
    assert client.post(_url(dossier)).status_code == 405


def test_an_agent_never_gets_a_draft_even_with_a_version(client, agent, dossier, other_dossier, editor, other_editor):
    answer_all_required(other_dossier)
    services.apply_transition(other_dossier, "submit", other_editor, notify=False)
    client.force_login(agent)
    assert client.get(_url(dossier)).status_code == 404
    assert client.get(_url(dossier, version=other_dossier.snapshots.get().pk)).status_code == 404


def test_an_agent_gets_404_when_no_version_was_ever_transmitted(client, agent, dossier):
    # Only an administrator's manual change can leave a transmitted dossier without snapshot.
    set_status(dossier, "submitted")
    client.force_login(agent)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200
    assert client.get(_url(dossier)).status_code == 404


@pytest.mark.parametrize("role", ["editor", "advisor", "agent", "portal_admin"])
def test_a_snapshot_of_another_dossier_is_404(client, request, transmitted, other_dossier, other_editor, role):
    answer_all_required(other_dossier)
    services.apply_transition(other_dossier, "submit", other_editor, notify=False)
    foreign = other_dossier.snapshots.get()
    login_as(client, request, role)
    assert client.get(_url(transmitted, version=foreign.pk)).status_code == 404
    assert client.get(_url(transmitted, version="abc")).status_code == 404
    assert client.get(_url(transmitted, version=transmitted.snapshots.get().pk)).status_code == 200


# --- Which version is printed ---------------------------------------------------------------------


def test_the_agent_reads_the_transmitted_text_not_later_edits(client, poppler, tmp_path, transmitted, editor, agent):
    services.apply_transition(transmitted, "request_complement", agent, comment="Précisez le plan.", notify=False)
    _answer(transmitted, "plan_formation", "Plan retravaillé pendant le complément", editor)

    client.force_login(agent)
    agent_text = pdf_text(client.get(_url(transmitted)).content, tmp_path)
    assert "Réponse à plan_formation" in agent_text
    assert "Plan retravaillé" not in agent_text
    assert "Version transmise n° 1" in agent_text

    client.force_login(editor)
    live = client.get(_url(transmitted))
    assert "Plan retravaillé pendant le complément" in pdf_text(live.content, tmp_path)
    first = client.get(_url(transmitted, version=transmitted.snapshots.get().pk))
    first_text = pdf_text(first.content, tmp_path)
    assert "Réponse à plan_formation" in first_text and "Plan retravaillé" not in first_text
    assert first["Content-Disposition"].endswith('-v1.pdf"')


def test_the_agent_gets_the_latest_transmission_and_may_print_an_earlier_one(
    client, poppler, tmp_path, transmitted, editor, agent
):
    services.apply_transition(transmitted, "request_complement", agent, comment="Précisez le plan.", notify=False)
    _answer(transmitted, "plan_formation", "Plan détaillé 2009", editor)
    services.apply_transition(transmitted, "resubmit", editor, notify=False)
    _answer(transmitted, "plan_formation", "Brouillon jamais transmis", editor)  # e.g. by an administrator

    client.force_login(agent)
    latest = pdf_text(client.get(_url(transmitted)).content, tmp_path)
    assert "Plan détaillé 2009" in latest and "Brouillon jamais transmis" not in latest
    assert "Version transmise n° 2 (sur 2)" in latest
    first = transmitted.snapshots.get(number=1)
    earlier = pdf_text(client.get(_url(transmitted, version=first.pk)).content, tmp_path)
    assert "Réponse à plan_formation" in earlier and "Plan détaillé 2009" not in earlier


def test_printed_version_choices(transmitted, editor, reader, advisor, agent, portal_admin):
    snapshot = transmitted.snapshots.get()
    for user in (editor, reader, advisor, portal_admin):
        assert pdf.printed_version(transmitted, user, None) == (None, [snapshot])
        assert pdf.printed_version(transmitted, user, str(snapshot.pk))[0] == snapshot
    assert pdf.printed_version(transmitted, agent, None)[0] == snapshot
    assert pdf.printed_version(transmitted, agent, "")[0] == snapshot


# --- What the summary says --------------------------------------------------------------------------


def test_the_summary_shows_identity_answers_comments_and_history(
    client, poppler, tmp_path, dossier, editor, advisor, structure, settings
):
    structure.insertion_posts_etp = "1250.50"
    structure.siret = "12345678900012"
    structure.save()
    _answer(dossier, "presentation", "Nous réparons des vélos et des œuvres d'art.\nDeuxième ligne.", editor)
    _answer(dossier, "livret_accueil", "oui", editor)
    _answer(dossier, "duree_parcours", "12.5", editor)
    _answer(dossier, "dernier_comite", "2009-03-15", editor)
    _answer(dossier, "clauses_sociales", "Régulièrement", editor)
    attachment = Answer(dossier=dossier, question=dossier.campaign.questions.get(code="organigramme"))
    attachment.attachment_name = "Organigramme équipe 2009.pdf"
    attachment.attachment.save("o.pdf", SimpleUploadedFile("o.pdf", b"%PDF-1.4\n%test\n"), save=False)
    attachment.save()
    services.apply_transition(dossier, "ask_review", editor, notify=False)
    services.apply_transition(
        dossier, "request_changes", advisor, comment="Axe 3 : précisez les financeurs.", notify=False
    )
    services.add_axis_comment(dossier, 2, advisor, "Le parcours mérite un schéma « étape par étape ».")

    client.force_login(editor)
    response = client.get(_url(dossier))
    text = pdf_text(response.content, tmp_path)
    for expected in [
        "Nord Recyclage",
        "Offre de services · campagne 2009",
        "EI · Entreprise d'insertion (EI)",
        "123 456 789 00012",
        "59 - Nord",
        "Roubaix",
        "URIAE Nord-Pas-de-Calais (URIAE)",
        "1 250,50 ETP",
        "2009 · Conventionnement 2009",
        "« modifications demandées »",
        "Réponses en cours au",
        "pas encore transmis",
        # Answers formatted in French, the attachment by its name.
        "Nous réparons des vélos et des œuvres d'art. Deuxième ligne.",
        "Remettez-vous un livret d'accueil ? (obligatoire) Oui",
        "Durée moyenne des parcours (mois). 12,5",
        "Date du dernier comité. 15/03/2009",
        "Marchés avec clauses sociales ? Régulièrement",
        "Pièce jointe : Organigramme équipe 2009.pdf",
        # Required questions left empty are flagged; optional ones are not.
        "Comment le parcours est-il formalisé ? (obligatoire) non renseigné",
        "3 réponses obligatoires non renseignées",
        "Le parcours mérite un schéma « étape par étape ».",
        "conseiller de réseau",
        "Axe 3 : précisez les financeurs.",
        "en relecture par le réseau → modifications demandées",
        "page 1 sur",
    ]:
        assert expected in text, expected
    assert "Part des ressources propres" not in text  # an ACI-only question, not asked of an EI
    info = pdf_info(response.content, tmp_path)
    assert info["Title"].strip() == "Synthèse du dossier d'offre de services 2009 · Nord Recyclage"
    assert info["Tagged"].strip() == "yes"  # headings and tables for screen readers
    # Progress per axis: answers, required answers, comments (pdftotext may drop the spaces around "/").
    assert re.search(r"Axe 1 · Accueil et intégration en milieu de travail 3 ?/ ?3 2 ?/ ?2 0 ", text)
    assert re.search(r"Axe 2 · Accompagnement social et professionnel 1 ?/ ?2 0 ?/ ?1 1 ", text)


def test_user_text_is_printed_as_text_and_nothing_is_fetched(client, poppler, tmp_path, dossier, editor):
    _answer(dossier, "presentation", '<img src="file:///etc/passwd"> <b>gras</b> & Cie', editor)
    client.force_login(editor)
    text = pdf_text(client.get(_url(dossier)).content, tmp_path)
    assert '<img src="file:///etc/passwd"> <b>gras</b> & Cie' in text
    assert "root:" not in text


def test_the_renderer_fetches_no_file_but_draws_inline_svg(poppler, tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="20">{}</text></svg>'
    secret = tmp_path / "secret.svg"
    secret.write_text(svg.format("SECRETFICHIER"))
    inline = "data:image/svg+xml;base64," + base64.b64encode(svg.format("GRAPHIQUEINLINE").encode()).decode()
    content = pdf.html_to_pdf(
        f'<html><body><p>Avant</p><img src="{secret.as_uri()}" alt=""><img src="{inline}" alt=""></body></html>'
    )
    text = pdf_text(content, tmp_path)
    assert "Avant" in text and "GRAPHIQUEINLINE" in text
    assert "SECRETFICHIER" not in text


def test_a_snapshot_frozen_before_required_was_stored_still_flags_missing_answers(
    client, poppler, tmp_path, transmitted, agent
):
    snapshot = transmitted.snapshots.get()
    items = [{k: v for k, v in item.items() if k != "required"} for item in snapshot.answers]
    for item in items:
        if item["code"] == "presentation":
            item["value"] = ""
    Snapshot.objects.filter(pk=snapshot.pk).update(answers=items)
    client.force_login(agent)
    text = pdf_text(client.get(_url(transmitted)).content, tmp_path)
    assert "Présentez votre structure. (obligatoire) non renseigné" in text
    assert "Réponse à livret_accueil" not in text  # the yes/no answer was frozen as "Oui"
    assert "Remettez-vous un livret d'accueil ? (obligatoire) Oui" in text


def test_page_numbers_match_the_page_count(client, poppler, tmp_path, dossier, editor):
    client.force_login(editor)
    short = client.get(_url(dossier)).content
    short_pages = pdf_pages(short, tmp_path)
    # The first page (identity, progress), the structure's indicators, then one page at least per axis.
    assert short_pages == 6
    assert f"page 6 sur {short_pages}" in pdf_text(short, tmp_path)
    long_text = "\n".join(f"Paragraphe {i} : l'accompagnement socio-professionnel est assuré." for i in range(150))
    _answer(dossier, "presentation", long_text, editor)
    long = client.get(_url(dossier)).content
    long_pages = pdf_pages(long, tmp_path)
    assert long_pages > short_pages
    assert f"page {long_pages} sur {long_pages}" in pdf_text(long, tmp_path)


def _add_questions(dossier, count, editor):
    base = dossier.campaign.questions.count()
    types = ["long_text", "yes_no", "number", "date", "choice", "short_text"]
    values = {"yes_no": "non", "number": "3", "date": "2009-01-02", "choice": "A"}
    for i in range(count):
        answer_type = types[i % len(types)]
        question = Question.objects.create(
            campaign=dossier.campaign,
            axis=1 + i % 4,
            section=f"Rubrique supplémentaire {i % 3}",
            code=f"extra_{base + i}",
            label=f"Question supplémentaire {i}",
            answer_type=answer_type,
            options="A\nB" if answer_type == "choice" else "",
            required=i % 2 == 0,
            order=100 + i,
        )
        Answer.objects.create(
            dossier=dossier, question=question, value=values.get(answer_type, f"Texte {i}"), updated_by=editor
        )
        AxisComment.objects.create(dossier=dossier, axis=1 + i % 4, author=editor, author_role="admin", text="Vu.")


@pytest.mark.parametrize("role", ["editor", "agent"])
def test_building_the_pdf_takes_the_same_queries_whatever_the_number_of_questions(
    client, request, transmitted, editor, agent, role, django_assert_max_num_queries
):
    services.apply_transition(transmitted, "request_complement", agent, comment="Précisez.", notify=False)
    services.apply_transition(transmitted, "resubmit", editor, notify=False)
    login_as(client, request, role)
    with django_assert_max_num_queries(20) as small:
        small_pdf = client.get(_url(transmitted)).content
    _add_questions(transmitted, 24, editor)
    # A third transmitted version holding the extra answers, so that the agent's PDF grows too.
    services.freeze_snapshot(transmitted, editor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_url(transmitted))
    assert response.status_code == 200
    assert len(response.content) > len(small_pdf)


def test_freezing_a_snapshot_does_not_query_per_answer(transmitted, editor, django_assert_max_num_queries):
    transmitted = Dossier.objects.get(pk=transmitted.pk)
    with django_assert_max_num_queries(8) as small:
        services.freeze_snapshot(transmitted, editor)
    _add_questions(transmitted, 20, editor)
    transmitted = Dossier.objects.get(pk=transmitted.pk)
    with django_assert_max_num_queries(len(small.captured_queries)):
        snapshot = services.freeze_snapshot(transmitted, editor)
    assert len(snapshot.answers) == len(transmitted.questions())


# --- Buttons and file name ------------------------------------------------------------------------


def test_download_buttons_on_the_detail_page_and_the_agent_list(client, transmitted, editor, agent):
    client.force_login(editor)
    detail = client.get(reverse("dossiers:detail", args=[transmitted.pk])).text
    assert f'href="{_url(transmitted)}"' in detail and "Télécharger la synthèse PDF" in detail
    snapshot = transmitted.snapshots.get()
    assert f'href="{_url(transmitted, version=snapshot.pk)}"' in detail
    assert "la dernière version transmise à la DDTEFP" not in detail
    client.force_login(agent)
    detail = client.get(reverse("dossiers:detail", args=[transmitted.pk])).text
    assert 'PDF</a> <span class="small text-body-secondary">la dernière version transmise' in detail
    listing = client.get(reverse("dossiers:dossier_list")).text
    assert f'href="{_url(transmitted)}"' in listing
    assert 'Télécharger la synthèse PDF<span class="visually-hidden"> de Nord Recyclage (2009)' in listing


def test_the_file_name_is_clean(campaign):
    structure = StructureFactory(name="Bâtir Ensemble / Valenciennes & Cœur d'Ostrevent", kind="ACI")
    dossier = Dossier.objects.create(structure=structure, campaign=campaign)
    assert pdf.pdf_filename(dossier, None) == "synthese-os-2009-batir-ensemble-valenciennes-coeur-d-ostrevent.pdf"
    snapshot = Snapshot(dossier=dossier, number=3, answers=[], created_at=datetime.datetime(2009, 3, 1))
    assert pdf.pdf_filename(dossier, snapshot).endswith("-v3.pdf")
    nameless = StructureFactory(name="«»", kind="ACI")
    other = Dossier.objects.create(structure=nameless, campaign=campaign)
    assert pdf.pdf_filename(other, None) == f"synthese-os-2009-dossier-{other.pk}.pdf"


# --- The demo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_agent_prints_every_transmitted_dossier_of_its_departement(client, poppler, tmp_path):
    from django.core.management import call_command

    from accounts.models import User

    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(email="ddtefp59@demo.local"))
    listing = client.get(reverse("dossiers:dossier_list"))
    dossiers = list(listing.context["page"].object_list)
    assert dossiers and all(d.structure.departement == "59" for d in dossiers)
    for dossier in dossiers:
        response = client.get(_url(dossier))
        assert response.status_code == 200
        assert f'href="{_url(dossier)}"' in listing.text
        text = pdf_text(response.content, tmp_path)
        assert dossier.structure.name in text and "Version transmise n° 1" in text
        assert "Axe 4 · Contribution à l'activité économique et au développement territorial" in text
        assert pdf_pages(response.content, tmp_path) >= 5


def test_the_current_answers_pdf_is_composed_again_only_when_what_it_shows_changes(
    client, poppler, tmp_path, dossier, editor, advisor, monkeypatch
):
    """The same HTML (all but the time it was composed) gives the cached PDF, whoever asks; any
    change it would show (an answer here) composes a new one."""
    composed = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: composed.append(html) or real(html))
    client.force_login(editor)
    first = client.get(_url(dossier)).content
    client.force_login(advisor)
    assert client.get(_url(dossier)).content == first
    assert len(composed) == 1
    _answer(dossier, "plan_formation", "Plan mis à jour après l'entretien", editor)
    changed = client.get(_url(dossier)).content
    assert len(composed) == 2
    assert "Plan mis à jour après l" in pdf_text(changed, tmp_path)


def test_a_transmitted_version_is_never_served_from_the_draft_cache(transmitted, editor, monkeypatch):
    composed = []
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: composed.append(html) or b"%PDF-1.7")
    snapshot = transmitted.snapshots.get()
    pdf.render_dossier_pdf(transmitted, snapshot)
    pdf.render_dossier_pdf(transmitted, snapshot)
    assert len(composed) == 2
