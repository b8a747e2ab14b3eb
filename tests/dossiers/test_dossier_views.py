"""Role x page matrix of every dossier page, and what each page shows."""

import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import Answer, AxisComment, Dossier, DossierTransition
from tests.dossiers.conftest import ROLES, answer_all_required, set_status
from tests.factories import StructureFactory
from tests.personas import get_as, login_as

# On a draft of "Nord Recyclage" (EI, Nord, URIAE): who sees it, who writes in it, who comments.
SEES = {"editor", "reader", "advisor", "portal_admin"}
WRITES = {"editor", "portal_admin"}
COMMENTS = {"advisor", "portal_admin"}

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def _expected(role, allowed):
    return 200 if role in allowed else 403 if role in SEES else 404


def _attachment(dossier):
    answer = Answer(dossier=dossier, question=dossier.campaign.questions.get(code="organigramme"))
    answer.attachment_name = "organigramme.pdf"
    answer.attachment.save("organigramme.pdf", SimpleUploadedFile("organigramme.pdf", PDF), save=False)
    answer.save()
    return answer


@pytest.mark.parametrize("role", ROLES)
def test_detail_matrix(client, request, dossier, role):
    response = get_as(client, request, role, reverse("dossiers:detail", args=[dossier.pk]), sees=SEES)
    if role in SEES:
        assert "Offre de services 2009" in response.text
        assert ("Transmettre à la DDTEFP" in response.text) == (role in WRITES)
        assert response.context["structure"] == dossier.structure


@pytest.mark.parametrize("role", ROLES)
def test_detail_matrix_once_transmitted(client, request, dossier, role):
    set_status(dossier, "submitted")
    login_as(client, request, role)
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert response.status_code == (200 if role in SEES | {"agent"} else 404)
    if response.status_code == 200:
        assert ("Accuser réception" in response.text) == (role in {"agent", "portal_admin"})


@pytest.mark.parametrize("role", ROLES)
def test_axis_page_matrix(client, request, dossier, role):
    response = get_as(client, request, role, reverse("dossiers:axis", args=[dossier.pk, 1]), sees=SEES)
    if role in SEES:
        assert "Présentez votre structure." in response.text
        assert (response.context["form"] is not None) == (role in WRITES)
        assert response.context["axis"] == 1
        assert ("Publier le commentaire" in response.text) == (role in COMMENTS)


def test_axis_page_404_for_an_unknown_axis(client, editor, dossier):
    client.force_login(editor)
    assert client.get(reverse("dossiers:axis", args=[dossier.pk, 5])).status_code == 404
    assert client.get(reverse("dossiers:axis", args=[dossier.pk, 0])).status_code == 404


def _axis1_data(version=0, presentation="Notre structure", livret="oui"):
    return {"version": version, "q_presentation": presentation, "q_livret_accueil": livret}


def _post_axis1(client, dossier, data, **files):
    questions = {q.code: q.pk for q in dossier.campaign.questions.all()}
    payload = {
        key.replace("q_" + code, f"q_{pk}") if key.startswith("q_") else key: value
        for key, value in data.items()
        for code, pk in [(key[2:], questions.get(key[2:]))]
    }
    for code, upload in files.items():
        payload[f"q_{questions[code]}"] = upload
    return client.post(reverse("dossiers:axis", args=[dossier.pk, 1]), payload)


@pytest.mark.parametrize("role", ROLES)
def test_axis_save_matrix(client, request, dossier, role):
    login_as(client, request, role)
    response = _post_axis1(client, dossier, _axis1_data())
    if role in WRITES:
        assert response.status_code == 302
        assert dossier.answers.get(question__code="presentation").value == "Notre structure"
    else:
        assert response.status_code == (403 if role in SEES else 404)
        assert not dossier.answers.exists()


@pytest.mark.parametrize("status", ["in_review", "approved", "submitted", "acknowledged"])
def test_the_siae_cannot_write_outside_editable_states(client, editor, dossier, status):
    set_status(dossier, status)
    client.force_login(editor)
    response = client.get(reverse("dossiers:axis", args=[dossier.pk, 1]))
    assert response.status_code == 200 and response.context["form"] is None
    assert _post_axis1(client, dossier, _axis1_data()).status_code == 403
    assert not dossier.answers.exists()


@pytest.mark.parametrize("status", ["changes_requested", "complement_requested"])
def test_the_siae_writes_again_when_asked_for_more(client, editor, dossier, status):
    set_status(dossier, status)
    client.force_login(editor)
    assert _post_axis1(client, dossier, _axis1_data()).status_code == 302
    assert dossier.answers.count() == 2


def test_saving_stores_every_answer_type(client, editor, dossier):
    client.force_login(editor)
    questions = {q.code: q.pk for q in dossier.campaign.questions.all()}
    response = client.post(
        reverse("dossiers:axis", args=[dossier.pk, 2]),
        {"version": 0, f"q_{questions['parcours_insertion']}": "Grille", f"q_{questions['duree_parcours']}": "9,5"},
    )
    assert response.status_code == 302
    client.post(
        reverse("dossiers:axis", args=[dossier.pk, 3]),
        {"version": 0, f"q_{questions['dernier_comite']}": "2008-11-20"},
    )
    client.post(
        reverse("dossiers:axis", args=[dossier.pk, 4]),
        {"version": 0, f"q_{questions['clauses_sociales']}": "Jamais"},
    )
    values = dict(dossier.answers.values_list("question__code", "value"))
    assert values == {
        "parcours_insertion": "Grille",
        "duree_parcours": "9.5",
        "dernier_comite": "2008-11-20",
        "clauses_sociales": "Jamais",
    }
    answer = dossier.answers.get(question__code="dernier_comite")
    assert answer.display() == "20/11/2008"
    assert dossier.answers.get(question__code="duree_parcours").display() == "9,5"


def test_a_wrong_choice_is_refused_and_nothing_is_saved(client, editor, dossier):
    client.force_login(editor)
    questions = {q.code: q.pk for q in dossier.campaign.questions.all()}
    response = client.post(
        reverse("dossiers:axis", args=[dossier.pk, 4]),
        {
            "version": 0,
            f"q_{questions['strategie_economique']}": "Texte",
            f"q_{questions['clauses_sociales']}": "Peut-être",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    assert not dossier.answers.exists()
    # A summary at the top says nothing was saved and leads to each field to correct.
    summary = response.text.split('id="form-errors"')[1].split("</div>")[0]
    assert "Rien n&#x27;a été enregistré" in summary or "Rien n'a été enregistré" in summary
    assert f'href="#id_q_{questions["clauses_sociales"]}"' in summary
    assert "Marchés avec clauses sociales ?" in summary


def test_the_next_axis_button(client, editor, dossier):
    client.force_login(editor)
    response = _post_axis1(client, dossier, {**_axis1_data(), "next_axis": "1"})
    assert response.url == reverse("dossiers:axis", args=[dossier.pk, 2])


# --- Conflict ----------------------------------------------------------------------------------


def test_two_editors_saving_the_same_axis(client, editor, dossier, structure):
    from accounts.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    colleague = UserFactory(first_name="Lucie", last_name="Collègue")
    MembershipFactory(user=colleague, role=Membership.Role.SIAE_EDITOR, structure=structure)
    # Both open axis 1 at version 0; the colleague saves first.
    client.force_login(colleague)
    assert _post_axis1(client, dossier, _axis1_data(presentation="Texte de Lucie")).status_code == 302
    client.force_login(editor)
    response = _post_axis1(client, dossier, _axis1_data(presentation="Mon texte à moi", livret="non"))
    assert response.status_code == 409
    assert "Conflit d'enregistrement" in response.text
    # The second editor's text is still on screen, and the colleague's version is shown beside it.
    assert "Mon texte à moi" in response.text
    assert "Texte de Lucie" in response.text
    assert dossier.answers.get(question__code="presentation").value == "Texte de Lucie"
    # The form now carries the current version: saving again, knowingly, works.
    assert response.context["form"]["version"].value() == "1"
    response = _post_axis1(client, dossier, _axis1_data(version=1, presentation="Mon texte à moi"))
    assert response.status_code == 302
    assert dossier.answers.get(question__code="presentation").value == "Mon texte à moi"


# --- Attachments -------------------------------------------------------------------------------


def test_an_attachment_is_stored_and_served_through_the_permission_check(client, editor, dossier, settings):
    client.force_login(editor)
    upload = SimpleUploadedFile("organigramme.png", PNG, content_type="image/png")
    assert _post_axis1(client, dossier, _axis1_data(), organigramme=upload).status_code == 302
    answer = dossier.answers.get(question__code="organigramme")
    assert answer.attachment_name == "organigramme.png"
    assert str(settings.MEDIA_ROOT) in answer.attachment.path
    assert not answer.attachment.name.endswith("organigramme.png")  # stored under a random name
    response = client.get(reverse("dossiers:attachment", args=[dossier.pk, answer.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert "organigramme.png" in response["Content-Disposition"]


def test_a_stored_file_takes_the_extension_of_its_content_not_of_its_name(client, editor, dossier):
    # Were the media folder ever served as such, a PDF named "page.html" must not come back as a web page.
    client.force_login(editor)
    upload = SimpleUploadedFile("page.html", PDF, content_type="text/html")
    assert _post_axis1(client, dossier, _axis1_data(), organigramme=upload).status_code == 302
    answer = dossier.answers.get(question__code="organigramme")
    assert answer.attachment.name.endswith(".pdf")
    assert answer.attachment_name == "page.html"
    # Served back as what its content is, as a download that no browser renders in the portal's origin.
    response = client.get(reverse("dossiers:attachment", args=[dossier.pk, answer.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="page.html.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_a_pdf_that_is_also_a_web_page_is_refused(client, editor, dossier):
    client.force_login(editor)
    polyglot = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>")
    response = _post_axis1(client, dossier, _axis1_data(), organigramme=polyglot)
    assert response.status_code == 200
    assert "contient du code de page web" in response.text
    assert not dossier.answers.exists()


def test_a_renamed_executable_is_refused(client, editor, dossier):
    client.force_login(editor)
    fake = SimpleUploadedFile("organigramme.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf")
    response = _post_axis1(client, dossier, _axis1_data(), organigramme=fake)
    assert response.status_code == 200
    assert "n&#x27;est pas d&#x27;un type accepté" in response.text
    assert not dossier.answers.exists()  # all or nothing: the texts of the same post are not saved either


def test_a_fake_office_document_is_refused(client, editor, dossier):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    client.force_login(editor)
    fake = SimpleUploadedFile("bilan.docx", buffer.getvalue())
    response = _post_axis1(client, dossier, _axis1_data(), organigramme=fake)
    assert "n&#x27;est pas d&#x27;un type accepté" in response.text
    assert not dossier.answers.exists()


def test_an_oversized_file_is_refused(client, editor, dossier):
    client.force_login(editor)
    big = SimpleUploadedFile("organigramme.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = _post_axis1(client, dossier, _axis1_data(), organigramme=big)
    assert response.status_code == 200
    assert "la limite est de 10\u00a0Mo" in response.text
    assert not dossier.answers.exists()


def test_an_attachment_can_be_removed(client, editor, dossier, django_capture_on_commit_callbacks):
    answer = _attachment(dossier)
    path = answer.attachment.path
    client.force_login(editor)
    questions = {q.code: q.pk for q in dossier.campaign.questions.all()}
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal is committed
        response = client.post(
            reverse("dossiers:axis", args=[dossier.pk, 1]),
            {"version": 0, f"q_{questions['organigramme']}_clear": "on"},
        )
    assert response.status_code == 302
    assert not dossier.answers.filter(question__code="organigramme").exists()
    import os

    assert not os.path.exists(path)


@pytest.mark.parametrize("role", ROLES)
def test_attachment_matrix(client, request, dossier, role):
    answer = _attachment(dossier)
    get_as(client, request, role, reverse("dossiers:attachment", args=[dossier.pk, answer.pk]), sees=SEES)


def test_attachment_of_another_dossier_is_404(client, editor, dossier, other_dossier):
    answer = _attachment(other_dossier)
    client.force_login(editor)
    assert client.get(reverse("dossiers:attachment", args=[dossier.pk, answer.pk])).status_code == 404


def test_an_anonymous_user_cannot_fetch_a_file(client, dossier):
    answer = _attachment(dossier)
    response = client.get(reverse("dossiers:attachment", args=[dossier.pk, answer.pk]))
    assert response.status_code == 302 and "/login/" in response.url


# --- Comments ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_comment_matrix(client, request, dossier, role):
    user = login_as(client, request, role)
    response = client.post(reverse("dossiers:comment", args=[dossier.pk, 2]), {"text": "Précisez le parcours."})
    if role in COMMENTS:
        assert response.status_code == 302
        comment = AxisComment.objects.get()
        assert (comment.axis, comment.author, comment.text) == (2, user, "Précisez le parcours.")
    else:
        assert response.status_code == (403 if role in SEES else 404)
        assert not AxisComment.objects.exists()


def test_the_agent_comments_a_transmitted_dossier_and_the_siae_reads_it_beside_the_axis(
    client, agent, editor, dossier
):
    set_status(dossier, "submitted")
    client.force_login(agent)
    client.post(reverse("dossiers:comment", args=[dossier.pk, 3]), {"text": "Quel organisme de formation ?"})
    assert AxisComment.objects.get().author_role == "agent"
    client.force_login(editor)
    response = client.get(reverse("dossiers:axis", args=[dossier.pk, 3]))
    assert "Quel organisme de formation ?" in response.text
    assert "agent DDTEFP" in response.text
    assert "Quel organisme" not in client.get(reverse("dossiers:axis", args=[dossier.pk, 2])).text


def test_an_empty_comment_is_refused(client, advisor, dossier):
    client.force_login(advisor)
    client.post(reverse("dossiers:comment", args=[dossier.pk, 2]), {"text": "   "})
    assert not AxisComment.objects.exists()


# --- Transitions through the views ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_transition_matrix(client, request, dossier, role):
    login_as(client, request, role)
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "ask_review"]), {"comment": ""})
    dossier.refresh_from_db()
    if role in WRITES:
        assert response.status_code == 302 and dossier.status == "in_review"
    else:
        assert response.status_code == (403 if role in SEES else 404)
        assert dossier.status == "draft"


def test_a_refused_transition_shows_why_and_changes_nothing(client, editor, dossier):
    client.force_login(editor)
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "submit"]), {"confirm": "on"}, follow=True)
    assert "réponse(s) obligatoire(s) manquante(s)" in response.text
    dossier.refresh_from_db()
    assert dossier.status == "draft" and not DossierTransition.objects.exists()


def test_an_advisor_must_comment_to_ask_for_changes(client, advisor, dossier):
    set_status(dossier, "in_review")
    client.force_login(advisor)
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "request_changes"]), follow=True)
    assert "commentaire est obligatoire" in response.text
    dossier.refresh_from_db()
    assert dossier.status == "in_review"


def test_an_unknown_action_is_403(client, editor, dossier):
    client.force_login(editor)
    assert client.post(reverse("dossiers:transition", args=[dossier.pk, "delete"])).status_code == 403


def test_transitions_are_post_only(client, editor, dossier):
    client.force_login(editor)
    assert client.get(reverse("dossiers:transition", args=[dossier.pk, "ask_review"])).status_code == 405


def test_the_detail_lists_missing_answers_and_the_history(client, editor, advisor, dossier):
    client.force_login(editor)
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert "5 réponses obligatoires manquantes" in response.text
    client.post(reverse("dossiers:transition", args=[dossier.pk, "ask_review"]))
    client.force_login(advisor)
    client.post(reverse("dossiers:transition", args=[dossier.pk, "request_changes"]), {"comment": "Axe 3 trop court."})
    client.force_login(editor)
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert "Axe 3 trop court." in response.text
    assert "Renvoyer en relecture au réseau" in response.text
    assert len(mail.outbox) == 2


def test_changes_requested_go_back_to_review_in_one_action(client, editor, advisor, dossier):
    """As a complement goes back to the DDTEFP: the structure edits, then one button, and the
    network's advisors are told; the history shows the round trip."""
    set_status(dossier, "changes_requested")
    client.force_login(editor)
    assert dossier.is_editable_status
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "return_to_review"]), follow=True)
    dossier.refresh_from_db()
    assert dossier.status == "in_review"
    assert _success_message(response) == (
        "C'est fait : le dossier est maintenant « en relecture par le réseau » ; "
        "les conseillers du réseau (URIAE Nord-Pas-de-Calais) ont été prévenus par e-mail."
    )
    assert [m.to for m in mail.outbox] == [[advisor.email]]
    assert "nouvelle relecture demandée" in mail.outbox[0].subject
    log = dossier.transitions.get()
    assert (log.name, log.from_status, log.to_status) == ("return_to_review", "changes_requested", "in_review")
    assert "modifications demandées → <strong>en relecture par le réseau</strong>" in response.text


# --- Reuse last year ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_reuse_matrix(client, request, dossier, previous_campaign, structure, role):
    old = Dossier.objects.create(structure=structure, campaign=previous_campaign, status="acknowledged")
    Answer.objects.create(dossier=old, question=previous_campaign.questions.get(code="presentation"), value="2008")
    login_as(client, request, role)
    response = client.post(reverse("dossiers:reuse", args=[dossier.pk]), {"confirm": "on"})
    assert response.status_code == (302 if role in WRITES else 403 if role in SEES else 404)
    assert dossier.answers.filter(value="2008").exists() == (role in WRITES)


def test_reuse_button_and_message(client, editor, dossier, previous_campaign, structure):
    old = Dossier.objects.create(structure=structure, campaign=previous_campaign, status="acknowledged")
    Answer.objects.create(dossier=old, question=previous_campaign.questions.get(code="presentation"), value="2008")
    client.force_login(editor)
    assert "Reprendre les réponses de l'an dernier" in client.get(reverse("dossiers:detail", args=[dossier.pk])).text
    response = client.post(reverse("dossiers:reuse", args=[dossier.pk]), {"confirm": "on"}, follow=True)
    assert "1 réponse reprise du dossier 2008" in response.text


# --- Snapshots ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_snapshots_matrix(client, request, dossier, role):
    get_as(client, request, role, reverse("dossiers:snapshots", args=[dossier.pk]), sees=SEES)


def test_snapshot_diff_shows_what_changed(client, editor, agent, dossier):
    from dossiers import services

    answer_all_required(dossier)
    services.apply_transition(dossier, "submit", editor)
    services.apply_transition(dossier, "request_complement", agent, comment="Précisez le plan.")
    Answer.objects.filter(dossier=dossier, question__code="plan_formation").update(value="Plan détaillé 2009")
    services.apply_transition(dossier, "resubmit", editor)
    client.force_login(agent)
    response = client.get(reverse("dossiers:snapshots", args=[dossier.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.key, r.before, r.after) for r in rows] == [
        ("plan_formation", "Réponse à plan_formation", "Plan détaillé 2009")
    ]
    assert "1 question modifiée entre la version 1 et la version 2" in response.text
    first, second = dossier.snapshots.order_by("number")
    everything = client.get(
        reverse("dossiers:snapshots", args=[dossier.pk]), {"avant": first.pk, "apres": second.pk, "tout": "1"}
    )
    assert len(everything.context["rows"]) == len(dossier.questions())


# --- Opening a dossier -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_start_matrix(client, request, campaign, structure, role):
    login_as(client, request, role)
    response = client.post(reverse("dossiers:dossier_start", args=[structure.pk, campaign.year]))
    structure_visible = role in SEES | {"agent"}
    if role in WRITES:
        assert response.status_code == 302
        dossier = Dossier.objects.get()
        assert response.url == reverse("dossiers:detail", args=[dossier.pk])
        # Opening again leads to the same dossier.
        assert client.post(reverse("dossiers:dossier_start", args=[structure.pk, campaign.year])).url == response.url
    else:
        assert response.status_code == (403 if structure_visible else 404)
        assert not Dossier.objects.exists()


def test_the_structure_page_offers_to_start_the_dossier(client, editor, reader, campaign, structure):
    client.force_login(editor)
    assert "Commencer le dossier 2009" in client.get(reverse("dossiers:structure_detail", args=[structure.pk])).text
    client.force_login(reader)
    assert (
        "Commencer le dossier 2009" not in client.get(reverse("dossiers:structure_detail", args=[structure.pk])).text
    )


# --- Lists -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("editor", {"Nord Recyclage"}),
        ("reader", {"Nord Recyclage"}),
        ("other_editor", {"Chantier de l'Artois"}),
        ("advisor", {"Nord Recyclage"}),
        ("other_advisor", {"Chantier de l'Artois"}),
        ("agent", set()),
        ("other_agent", {"Chantier de l'Artois"}),
        ("portal_admin", {"Nord Recyclage", "Chantier de l'Artois"}),
        ("orphan", set()),
    ],
)
def test_list_matrix(client, request, dossier, other_dossier, role, expected):
    set_status(other_dossier, "submitted")
    login_as(client, request, role)
    response = client.get(reverse("dossiers:dossier_list"))
    assert response.status_code == 200
    assert {d.structure.name for d in response.context["page"].object_list} == expected


@pytest.mark.parametrize(
    "url", ["dossiers:dossier_list", "dossiers:detail", "dossiers:axis", "dossiers:snapshots", "dossiers:reuse"]
)
def test_anonymous_is_sent_to_login(client, dossier, url):
    args = {"dossiers:dossier_list": [], "dossiers:axis": [dossier.pk, 1]}.get(url, [dossier.pk])
    response = client.get(reverse(url, args=args))
    assert response.status_code == 302 and "/login/" in response.url


def _network_dossiers(campaign, uriae, count):
    for i in range(count):
        structure = StructureFactory(
            networks=[uriae], kind=["ACI", "EI", "AI", "ETTI"][i % 4], departement=["59", "62"][i % 2]
        )
        dossier = Dossier.objects.create(
            structure=structure, campaign=campaign, status=["draft", "in_review", "submitted"][i % 3]
        )
        answer_all_required(dossier)


def test_advisor_list_filters(client, advisor, campaign, uriae):
    _network_dossiers(campaign, uriae, 12)
    client.force_login(advisor)

    def listed(**params):
        return list(client.get(reverse("dossiers:dossier_list"), params).context["page"].object_list)

    assert len(listed()) == 12
    assert {d.structure.kind for d in listed(kind="ACI")} == {"ACI"}
    assert {d.structure.departement for d in listed(departement="62")} == {"62"}
    assert {d.status for d in listed(status="in_review")} == {"in_review"}
    assert len(listed(kind="ACI", departement="59")) == 3
    # All applicable required questions are answered, whatever the kind.
    assert all(d.progress.complete for d in listed())


def test_list_defaults_to_the_latest_campaign_but_the_siae_sees_all(
    client, advisor, editor, dossier, previous_campaign, structure
):
    old = Dossier.objects.create(structure=structure, campaign=previous_campaign, status="acknowledged")
    client.force_login(advisor)
    assert list(client.get(reverse("dossiers:dossier_list")).context["page"].object_list) == [dossier]
    assert list(client.get(reverse("dossiers:dossier_list"), {"campaign": "2008"}).context["page"].object_list) == [
        old
    ]
    client.force_login(editor)
    assert list(client.get(reverse("dossiers:dossier_list")).context["page"].object_list) == [dossier, old]


def test_list_query_count_does_not_grow(client, advisor, campaign, uriae, django_assert_max_num_queries):
    _network_dossiers(campaign, uriae, 5)
    client.force_login(advisor)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("dossiers:dossier_list"))
    _network_dossiers(campaign, uriae, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("dossiers:dossier_list"))
    assert len(response.context["page"].object_list) == 25


def test_csv_export_of_the_filtered_list(client, advisor, campaign, uriae, django_assert_max_num_queries):
    _network_dossiers(campaign, uriae, 40)
    client.force_login(advisor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("dossiers:dossier_list"), {"export": "csv", "kind": "ACI"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="dossiers-2009.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Campagne;Structure;SIRET;Type")
    assert len(lines) == 1 + 10
    assert all(";ACI;" in line and ";100;" in line for line in lines[1:])


def test_csv_export_is_scoped(client, other_advisor, dossier):
    client.force_login(other_advisor)
    response = client.get(reverse("dossiers:dossier_list"), {"export": "csv"})
    assert "Nord Recyclage" not in response.content.decode("utf-8-sig")


def test_agent_list_never_shows_drafts(client, agent, campaign, uriae):
    _network_dossiers(campaign, uriae, 9)
    client.force_login(agent)
    listed = client.get(reverse("dossiers:dossier_list")).context["page"].object_list
    assert listed and {d.status for d in listed} == {"submitted"}
    assert {d.structure.departement for d in listed} == {"59"}


def test_home_panel_shows_the_campaign(client, editor, advisor, campaign, dossier):
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert "Offre de services 2009" in response.text
    assert "Dossier 2009 de Nord Recyclage" in response.text
    client.force_login(advisor)
    response = client.get(reverse("home"))
    assert "Voir les 1 dossier 2009" in response.text


def test_advisor_sees_which_structures_have_not_started(client, advisor, campaign, dossier, uriae):
    StructureFactory(name="Atelier Sans Dossier", networks=[uriae])
    client.force_login(advisor)
    response = client.get(reverse("dossiers:dossier_list"))
    assert _not_started(response) == ["Atelier Sans Dossier"]
    assert "1 structure de votre réseau n'a pas encore ouvert son dossier 2009" in response.text
    assert response.context["filter_form"]["campaign"].value() == "2009"


def test_the_email_links_to_the_dossier(client, editor, dossier, advisor):
    client.force_login(editor)
    client.post(reverse("dossiers:transition", args=[dossier.pk, "ask_review"]))
    assert f"http://testserver/dossiers/{dossier.pk}/" in mail.outbox[0].body
    assert mail.outbox[0].to == [advisor.email]


def test_dossier_pages_query_counts_do_not_grow_with_answers_history_and_comments(
    client, editor, advisor, agent, dossier, django_assert_max_num_queries
):
    from dossiers import services

    set_status(dossier, "complement_requested")
    client.force_login(editor)
    with django_assert_max_num_queries(16) as detail:  # +1: the conventions panel, +1: its current convention
        client.get(reverse("dossiers:detail", args=[dossier.pk]))
    with django_assert_max_num_queries(10) as axis:
        client.get(reverse("dossiers:axis", args=[dossier.pk, 1]))
    answer_all_required(dossier)
    _attachment(dossier)
    for number in range(3):
        for axis_number in (1, 2, 3, 4):
            services.add_axis_comment(dossier, axis_number, advisor, f"Remarque {number}")
        services.apply_transition(dossier, "resubmit", editor, notify=False)
        services.apply_transition(dossier, "request_complement", agent, comment="Encore.", notify=False)
    assert dossier.transitions.count() == 6 and dossier.snapshots.count() == 3
    with django_assert_max_num_queries(len(detail.captured_queries)):
        response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    assert "Version 3" in response.text
    with django_assert_max_num_queries(len(axis.captured_queries)):
        response = client.get(reverse("dossiers:axis", args=[dossier.pk, 1]))
    assert "Remarque 2" in response.text


def test_a_reader_sees_every_answer_and_the_attachment_link_but_no_form(client, reader, dossier):
    answer_all_required(dossier)
    attachment = _attachment(dossier)
    client.force_login(reader)
    response = client.get(reverse("dossiers:axis", args=[dossier.pk, 1]))
    assert response.context["form"] is None
    assert "Réponse à presentation" in response.text and "Oui" in response.text
    assert reverse("dossiers:attachment", args=[dossier.pk, attachment.pk]) in response.text
    assert "<textarea" not in response.text
    detail = client.get(reverse("dossiers:detail", args=[dossier.pk])).text
    assert "Transmettre" not in detail and "Reprendre les réponses" not in detail


def test_anonymous_posts_change_nothing(client, dossier, campaign, structure):
    urls = [
        reverse("dossiers:axis", args=[dossier.pk, 1]),
        reverse("dossiers:comment", args=[dossier.pk, 1]),
        reverse("dossiers:transition", args=[dossier.pk, "ask_review"]),
        reverse("dossiers:reuse", args=[dossier.pk]),
        reverse("dossiers:dossier_start", args=[structure.pk, campaign.year]),
    ]
    for url in urls:
        response = client.post(url, {"text": "x", "version": 0})
        assert response.status_code == 302 and "/login/" in response.url
    dossier.refresh_from_db()
    assert dossier.status == "draft" and not dossier.answers.exists() and not AxisComment.objects.exists()


def test_a_mail_server_down_does_not_turn_a_done_transition_into_an_error(
    client, editor, advisor, dossier, mail_server_down, caplog
):
    client.force_login(editor)
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "ask_review"]), follow=True)
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == "in_review" and DossierTransition.objects.count() == 1
    shown = [str(m) for m in response.context["messages"]]
    assert any("n'a pas pu être envoyé" in m for m in shown)
    assert any("le dossier est maintenant « en relecture par le réseau »" in m for m in shown)
    assert "SMTP injoignable" in caplog.text


def test_the_structures_that_have_not_started_follow_the_kind_and_departement_filters(
    client, advisor, campaign, dossier, uriae
):
    StructureFactory(name="ACI du Nord", kind="ACI", departement="59", networks=[uriae])
    StructureFactory(name="AI du Pas-de-Calais", kind="AI", departement="62", networks=[uriae])
    client.force_login(advisor)
    url = reverse("dossiers:dossier_list")
    assert _not_started(client.get(url)) == ["ACI du Nord", "AI du Pas-de-Calais"]
    assert _not_started(client.get(url, {"kind": "ACI"})) == ["ACI du Nord"]
    assert _not_started(client.get(url, {"departement": "62"})) == ["AI du Pas-de-Calais"]
    assert _not_started(client.get(url, {"kind": "EI"})) == []
    assert _not_started(client.get(url, {"q": "pas-de-calais"})) == ["AI du Pas-de-Calais"]


def _not_started(response):
    """The names on the page of structures without a dossier ([] when the section is not shown)."""
    page = response.context["not_started"]
    names = [structure.name for structure in page] if page is not None else []
    assert ('id="not-started-title"' in response.text) == bool(names)
    return names


def test_the_structures_that_have_not_started_are_paginated_apart_with_constant_queries(
    client, advisor, campaign, dossier, uriae, django_assert_max_num_queries
):
    """A network has hundreds of structures: their list has its own pages (`page_sans_dossier`),
    which keep the dossier list's filters and page, and costs the same queries whatever its size."""
    from siae_portal.pagination import LIST_PAGE_SIZE

    for number in range(LIST_PAGE_SIZE + 3):
        StructureFactory(name=f"Atelier {number:02d}", kind="EI", networks=[uriae])
    client.force_login(advisor)
    url = reverse("dossiers:dossier_list")
    client.get(url)
    with django_assert_max_num_queries(12):
        first = client.get(url, {"kind": "EI"})
    assert _not_started(first) == [f"Atelier {n:02d}" for n in range(LIST_PAGE_SIZE)]
    assert f"{LIST_PAGE_SIZE + 3} structures de votre réseau n'ont pas encore ouvert leur dossier" in first.text
    assert "kind=EI&amp;page_sans_dossier=2" in first.text
    second = client.get(url, {"kind": "EI", "page_sans_dossier": "2"})
    assert _not_started(second) == [f"Atelier {n:02d}" for n in range(LIST_PAGE_SIZE, LIST_PAGE_SIZE + 3)]
    assert second.context["page"].number == 1  # the dossiers' own list stays on its page


def _success_message(response):
    return [str(m) for m in response.context["messages"] if m.level_tag == "success"][0]


def test_each_status_message_says_who_was_told(client, editor, advisor, agent, dossier):
    client.force_login(editor)
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "ask_review"]), follow=True)
    assert _success_message(response) == (
        "C'est fait : le dossier est maintenant « en relecture par le réseau » ; "
        "les conseillers du réseau (URIAE Nord-Pas-de-Calais) ont été prévenus par e-mail."
    )
    client.force_login(advisor)
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "approve"]), follow=True)
    assert _success_message(response).endswith(" ; les rédacteurs de Nord Recyclage ont été prévenus par e-mail.")
    answer_all_required(dossier, editor)
    client.force_login(editor)
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "submit"]), {"confirm": "on"}, follow=True)
    assert _success_message(response).endswith(" ; la DDTEFP du département 59 - Nord a été prévenue par e-mail."), (
        _success_message(response)
    )


def test_the_status_message_says_when_nobody_could_be_told(client, editor, dossier):
    client.force_login(editor)
    response = client.post(reverse("dossiers:transition", args=[dossier.pk, "ask_review"]), follow=True)
    assert _success_message(response).endswith(
        " ; personne n'a été prévenu : aucun conseiller de son réseau n'est inscrit."
    )
    assert not mail.outbox
