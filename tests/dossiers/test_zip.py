"""A campaign's dossiers in one ZIP (dossiers:zip), and the stored PDF of each transmitted version:
rendered once by a background task, what every download returns, rendered again only if missing."""

import csv
import io
import logging
import zipfile
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from dossiers import archive, pdf, services
from dossiers.models import AxisComment, Dossier, Snapshot
from dossiers.tasks import render_snapshot_pdf
from tests.conventions.conftest import add_exits, make_convention
from tests.dossiers import test_pdf
from tests.dossiers.conftest import answer_all_required
from tests.dossiers.test_pdf import pdf_text
from tests.factories import StructureFactory
from tests.personas import ROLES, get_as, login_as
from tests.portal.test_url_table import forbid_writes

pytestmark = pytest.mark.django_db

poppler = test_pdf.poppler  # the fixture that skips (or fails in CI) without poppler-utils
ZIP_ROLES = {"advisor", "other_advisor", "agent", "other_agent", "portal_admin"}


def _zip_url(year=2009):
    return reverse("dossiers:zip", args=[year])


def read_zip(response) -> zipfile.ZipFile:
    assert response.streaming and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read_index(archive_file) -> list[dict]:
    text = archive_file.read("index.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def transmit(dossier, editor, capture):
    """Transmit through the service, running what it leaves for after the commit (the PDF task)."""
    answer_all_required(dossier, editor)
    with capture(execute=True):
        services.apply_transition(dossier, "submit", editor, notify=False)
    dossier.refresh_from_db()
    return dossier.snapshots.get()


def stored_bytes(snapshot) -> bytes:
    with Snapshot._meta.get_field("pdf").storage.open(snapshot.pdf.name, "rb") as handle:
        return handle.read()


def stored(snapshot) -> bool:
    return Snapshot._meta.get_field("pdf").storage.exists(snapshot.pdf.name)


def fail_the_first_render(monkeypatch) -> list:
    """From now on the PDF renderer fails once (WeasyPrint unavailable), then renders; the list of its calls."""
    real, calls = pdf.render_dossier_pdf, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("WeasyPrint indisponible")
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_dossier_pdf", flaky)
    return calls


@pytest.fixture
def transmitted(dossier, editor, django_capture_on_commit_callbacks):
    transmit(dossier, editor, django_capture_on_commit_callbacks)
    return dossier


# --- The stored PDF ---------------------------------------------------------------------------------


def test_transmitting_stores_the_pdf_once_the_transaction_commits(dossier, editor, django_capture_on_commit_callbacks):
    answer_all_required(dossier, editor)
    with django_capture_on_commit_callbacks() as callbacks:
        services.apply_transition(dossier, "submit", editor, notify=False)
    snapshot = dossier.snapshots.get()
    assert snapshot.pdf.name == f"dossiers/{dossier.pk}/versions/synthese-v1.pdf"
    assert not stored(snapshot)  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert stored_bytes(snapshot).startswith(b"%PDF-")


def test_every_download_of_a_version_returns_the_stored_file(
    client, transmitted, editor, reader, advisor, agent, portal_admin
):
    snapshot = transmitted.snapshots.get()
    original = stored_bytes(snapshot)
    downloads = []
    for user in (agent, editor, reader, advisor, portal_admin):
        client.force_login(user)
        url = reverse("dossiers:pdf", args=[transmitted.pk]) + f"?version={snapshot.pk}"
        downloads.append(client.get(url).content)
    client.force_login(agent)
    downloads.append(client.get(reverse("dossiers:pdf", args=[transmitted.pk])).content)
    downloads.append(read_zip(client.get(_zip_url())).read(pdf.pdf_filename(transmitted, snapshot)))
    assert all(content == original for content in downloads)


def test_the_stored_pdf_is_the_transmitted_moment(
    client, poppler, tmp_path, transmitted, editor, agent, django_capture_on_commit_callbacks
):
    """Comments and steps that come after a transmission are not in that version's summary."""
    AxisComment.objects.create(dossier=transmitted, axis=1, author=agent, author_role="agent", text="Vu après coup.")
    services.apply_transition(transmitted, "request_complement", agent, comment="Précisez le plan.", notify=False)
    client.force_login(agent)
    text = pdf_text(client.get(reverse("dossiers:pdf", args=[transmitted.pk])).content, tmp_path)
    assert "Nord Recyclage" in text and "Version transmise n° 1" in text
    assert "« transmis à la DDTEFP »" in text
    assert "Vu après coup" not in text and "Précisez le plan" not in text
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_transition(transmitted, "resubmit", editor, notify=False)
    second = pdf_text(client.get(reverse("dossiers:pdf", args=[transmitted.pk])).content, tmp_path)
    assert "Version transmise n° 2 (sur 2)" in second
    assert "Vu après coup" in second and "Précisez le plan" in second


def test_a_missing_stored_pdf_is_rendered_on_demand_and_stored_without_a_database_write(client, transmitted, agent):
    snapshot = transmitted.snapshots.get()
    Snapshot._meta.get_field("pdf").storage.delete(snapshot.pdf.name)
    client.force_login(agent)
    with forbid_writes() as writes:
        response = client.get(reverse("dossiers:pdf", args=[transmitted.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert writes == []
    assert stored_bytes(snapshot) == response.content
    # Also in the ZIP.
    Snapshot._meta.get_field("pdf").storage.delete(snapshot.pdf.name)
    member = read_zip(client.get(_zip_url())).read(pdf.pdf_filename(transmitted, snapshot))
    assert member.startswith(b"%PDF-") and stored_bytes(snapshot) == member


def test_a_snapshot_frozen_before_the_stored_pdfs_is_rendered_on_its_first_download(client, transmitted, agent):
    """A version frozen before this change (no name recorded) gets the same name: the migration's."""
    snapshot = transmitted.snapshots.get()
    Snapshot._meta.get_field("pdf").storage.delete(snapshot.pdf.name)
    Snapshot.objects.filter(pk=snapshot.pk).update(pdf="")
    client.force_login(agent)
    response = client.get(reverse("dossiers:pdf", args=[transmitted.pk]))
    assert response.status_code == 200
    assert stored_bytes(snapshot) == response.content


def test_the_task_keeps_a_stored_file(transmitted):
    snapshot = transmitted.snapshots.get()
    before = stored_bytes(snapshot)
    result = render_snapshot_pdf.enqueue(snapshot.pk)
    assert result.return_value == snapshot.pdf.name
    assert stored_bytes(snapshot) == before
    assert render_snapshot_pdf.enqueue(10**9).return_value is None  # a snapshot deleted meanwhile


def test_a_failing_render_is_retried_and_logged(transmitted, monkeypatch, settings, caplog):
    from django_tasks import TaskResultStatus

    snapshot = transmitted.snapshots.get()
    Snapshot._meta.get_field("pdf").storage.delete(snapshot.pdf.name)
    calls = fail_the_first_render(monkeypatch)
    settings.TASK_MAX_ATTEMPTS = 3
    with caplog.at_level(logging.WARNING, logger="siae_portal.tasks"):
        result = render_snapshot_pdf.enqueue(snapshot.pk)
    assert result.status == TaskResultStatus.FAILED  # the first attempt stays failed
    assert len(calls) == 2 and stored(snapshot)
    assert "dossiers.tasks.render_snapshot_pdf" in caplog.text and "tentative 1" in caplog.text


@pytest.mark.django_db(transaction=True)  # the worker, and on_commit at the real commit
def test_a_failed_render_is_listed_in_the_admin_and_retried_by_the_worker(
    client, dossier, editor, monkeypatch, settings
):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from tests.factories import UserFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    fail_the_first_render(monkeypatch)
    answer_all_required(dossier, editor)
    services.apply_transition(dossier, "submit", editor, notify=False)
    snapshot = dossier.snapshots.get()
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.READY and queued.task_path == "dossiers.tasks.render_snapshot_pdf"
    assert not stored(snapshot)
    call_command("db_worker", batch=True, verbosity=0)
    failed, retried = DBTaskResult.objects.order_by("enqueued_at")
    assert (failed.status, retried.status) == (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)
    assert "WeasyPrint indisponible" in failed.traceback
    assert stored(snapshot)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status__exact": "FAILED"}
    ).content.decode()
    assert str(failed.pk) in listing and str(retried.pk) not in listing


# --- The ZIP ----------------------------------------------------------------------------------------


def test_the_agents_zip_holds_its_departements_transmitted_dossiers(
    client,
    poppler,
    tmp_path,
    campaign,
    transmitted,
    other_dossier,
    other_editor,
    agent,
    editor,
    django_capture_on_commit_callbacks,
):
    transmit(other_dossier, other_editor, django_capture_on_commit_callbacks)  # Pas-de-Calais: not the agent's
    draft = Dossier.objects.create(
        structure=StructureFactory(departement="59", name="Brouillon du Nord"), campaign=campaign
    )
    add_exits(transmitted.structure, 2008, ["cdi_non_aide", "cdi_non_aide", "sans_nouvelle"])
    client.force_login(agent)
    response = client.get(_zip_url())
    assert response["Content-Disposition"] == 'attachment; filename="syntheses-os-2009.zip"'
    archive_file = read_zip(response)
    snapshot = transmitted.snapshots.get()
    assert archive_file.namelist() == ["index.csv", pdf.pdf_filename(transmitted, snapshot)]
    rows = read_index(archive_file)
    assert len(rows) == 1 and draft.structure.name not in str(rows)
    row = rows[0]
    assert row["Structure"] == "Nord Recyclage"
    assert row["SIRET"] == transmitted.structure.siret
    assert row["Type"] == "EI" and row["Département"] == "59"
    assert row["Statut"] == "transmis à la DDTEFP"
    assert row["Transmis le"] == snapshot.created_at.astimezone().strftime("%d/%m/%Y")
    assert row["Objectifs 2008 atteints"] == "sans objectif convenu"
    assert row["Fichier PDF"] == pdf.pdf_filename(transmitted, snapshot)
    assert set(row) >= {"Taux de sortie dynamique officiel 2008 (%)", "Taux de sortie dynamique URIAE 2008 (%)"}
    assert row["Taux de sortie dynamique officiel 2008 (%)"] != ""
    text = pdf_text(archive_file.read(row["Fichier PDF"]), tmp_path)
    assert "Nord Recyclage" in text and "Version transmise n° 1" in text


def test_the_index_gives_the_exits_years_rates_and_objectives(client, transmitted, agent):
    structure = transmitted.structure
    # 2008 (the year before the 2009 campaign): 2 dynamic exits out of 4 eligible ones.
    add_exits(structure, 2008, ["cdi_non_aide", "formation_qualifiante", "sans_nouvelle", "inactif"])
    add_exits(structure, 2007, ["cdi_non_aide"] * 5, prefix="X")  # another year: not counted
    make_convention(structure, agent, first_year=2007, last_year=2009, agreed_by=agent, exits=2)
    client.force_login(agent)
    row = read_index(read_zip(client.get(_zip_url())))[0]
    expected = archive.rate_cell(SimpleNamespace(rate=None))
    assert expected == ""
    from indicators.calculations import OFFICIAL, URIAE, compute_rate
    from indicators.selectors import motive_counts

    counts = motive_counts([structure.pk], 2008, 2008)[()]
    assert row["Taux de sortie dynamique officiel 2008 (%)"] == archive.rate_cell(compute_rate(counts, OFFICIAL))
    assert row["Taux de sortie dynamique URIAE 2008 (%)"] == archive.rate_cell(compute_rate(counts, URIAE))
    assert row["Objectifs 2008 atteints"] == "non"  # 60 % official, 25 % durable: missed
    assert row["Objectifs 2008"] == (
        "Nombre de sorties de l'année : atteint ; "
        "Taux de sortie dynamique (officiel) : écart dans la marge d'une sortie ; Taux d'emploi durable : atteint"
    )


def test_index_cells_are_never_formulas(client, campaign, agent, editor, django_capture_on_commit_callbacks):
    from tests.factories import MembershipFactory

    structure = StructureFactory(name='=HYPERLINK("http://x.test")', departement="59")
    MembershipFactory(user=editor, role="siae_editor", structure=structure)
    dossier = Dossier.objects.create(structure=structure, campaign=campaign)
    transmit(dossier, editor, django_capture_on_commit_callbacks)
    client.force_login(agent)
    row = read_index(read_zip(client.get(_zip_url())))[0]
    assert row["Structure"] == '\'=HYPERLINK("http://x.test")'


def test_the_advisors_zip_holds_its_networks_approved_and_transmitted_dossiers(
    client,
    poppler,
    tmp_path,
    campaign,
    transmitted,
    other_dossier,
    other_editor,
    advisor,
    editor,
    uriae,
    django_capture_on_commit_callbacks,
):
    transmit(other_dossier, other_editor, django_capture_on_commit_callbacks)  # COORACE: not the advisor's
    approved = Dossier.objects.create(
        structure=StructureFactory(name="Atelier Validé", departement="62", networks=[uriae]), campaign=campaign
    )
    in_review = Dossier.objects.create(
        structure=StructureFactory(name="Atelier en relecture", networks=[uriae]), campaign=campaign
    )
    Dossier.objects.filter(pk=approved.pk).update(status="approved")
    Dossier.objects.filter(pk=in_review.pk).update(status="in_review")
    client.force_login(advisor)
    archive_file = read_zip(client.get(_zip_url()))
    rows = read_index(archive_file)
    assert [r["Structure"] for r in rows] == ["Atelier Validé", "Nord Recyclage"]
    assert [r["Statut"] for r in rows] == ["validé par le réseau", "transmis à la DDTEFP"]
    assert rows[0]["Transmis le"] == ""
    assert sorted(archive_file.namelist()) == sorted(["index.csv", *(r["Fichier PDF"] for r in rows)])
    live = pdf_text(archive_file.read(rows[0]["Fichier PDF"]), tmp_path)
    assert "Atelier Validé" in live and "Réponses en cours" in live
    assert archive_file.read(rows[1]["Fichier PDF"]) == stored_bytes(transmitted.snapshots.get())


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_zip_matrix(client, request, transmitted, role):
    response = get_as(client, request, role, _zip_url(), sees=ZIP_ROLES)
    if role in ZIP_ROLES:
        names = read_zip(response).namelist()
        assert "index.csv" in names
        sees_it = role in {"advisor", "agent", "portal_admin"}
        assert (len(names) == 2) == sees_it, names


def test_an_unknown_campaign_is_404(client, transmitted, agent):
    client.force_login(agent)
    assert client.get(_zip_url(2031)).status_code == 404


def test_the_zip_is_get_only(client, transmitted, agent):
    client.force_login(agent)
    assert client.post(_zip_url()).status_code == 405


def test_the_dossier_list_links_to_the_zip_for_advisors_and_agents(client, transmitted, editor, advisor, agent):
    link = f'href="{_zip_url()}"'
    for user, shown in ((advisor, True), (agent, True), (editor, False)):
        client.force_login(user)
        page = client.get(reverse("dossiers:dossier_list")).text
        assert (link in page) == shown
        if shown:
            assert "Télécharger les synthèses PDF 2009 (ZIP)" in page


@pytest.mark.parametrize("role", ["agent", "advisor"])
def test_the_zip_takes_the_same_queries_whatever_the_number_of_dossiers(
    client,
    request,
    campaign,
    transmitted,
    editor,
    uriae,
    role,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    from tests.factories import MembershipFactory

    login_as(client, request, role)

    def download():
        return b"".join(client.get(_zip_url()).streaming_content)

    add_exits(transmitted.structure, 2008, ["cdi_non_aide"])
    make_convention(transmitted.structure, agreed_by=request.getfixturevalue("agent"))
    with django_assert_max_num_queries(20) as small:
        download()
    for n in range(3):
        structure = StructureFactory(name=f"Structure {n}", departement="59", networks=[uriae])
        MembershipFactory(user=editor, role="siae_editor", structure=structure)
        transmit(
            Dossier.objects.create(structure=structure, campaign=campaign),
            type(editor).objects.get(pk=editor.pk),  # its scope as of now
            django_capture_on_commit_callbacks,
        )
        add_exits(structure, 2008, ["cdi_non_aide"], prefix=f"S{n}")
        make_convention(structure, agreed_by=request.getfixturevalue("agent"))
    with django_assert_max_num_queries(len(small.captured_queries)):
        content = download()
    assert len(zipfile.ZipFile(io.BytesIO(content)).namelist()) == 5


# --- Pure parts -------------------------------------------------------------------------------------


def _result(reached, label="Taux officiel", status="reached"):
    return SimpleNamespace(reached=reached, definition=label, status_label=status)


def test_objectives_cells():
    assert archive.objectives_cells([]) == ("sans objectif convenu", "")
    assert archive.objectives_cells([_result(True, status="atteint")]) == ("oui", "Taux officiel : atteint")
    assert archive.objectives_cells([_result(True), _result(False, "Sorties", "non atteint")])[0] == "non"
    assert archive.objectives_cells([_result(True), _result(None)])[0] == "pas encore mesurables"
    assert archive.objectives_cells([_result(True), _result(True, "Sorties", "atteint")]) == (
        "oui",
        "Taux officiel : reached ; Sorties : atteint",
    )


def test_rate_cell():
    assert archive.rate_cell(SimpleNamespace(rate=None)) == ""
    assert archive.rate_cell(SimpleNamespace(rate=0.5882)) == "58,8"
    assert archive.rate_cell(SimpleNamespace(rate=1.0)) == "100,0"


def test_stream_zip_writes_as_it_goes():
    from datetime import datetime

    from siae_portal.zipstream import CHUNK, stream_zip

    big = bytes(range(256)) * (4 * CHUNK // 256)
    opened = []

    def opener(name, data):
        opened.append(name)
        return io.BytesIO(data)

    chunks = stream_zip(
        [
            ("a.bin", datetime(2009, 3, 1), lambda: opener("a", big)),
            ("b.txt", datetime(2009, 3, 2), lambda: opener("b", b"b")),
        ]
    )
    first = next(chunks)
    assert opened == ["a"] and len(first) < len(big)  # sent before the archive is complete
    content = first + b"".join(chunks)
    archive_file = zipfile.ZipFile(io.BytesIO(content))
    assert archive_file.testzip() is None
    assert archive_file.read("a.bin") == big and archive_file.read("b.txt") == b"b"
    assert archive_file.getinfo("b.txt").date_time == (2009, 3, 2, 0, 0, 0)
