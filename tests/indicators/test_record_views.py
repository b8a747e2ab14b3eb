"""Exit record pages: role x page matrix, CRUD with history, import page, positionings."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import ExitRecord, PrescriberPositioning
from siae_portal.reference import EXIT_MOTIVES
from tests.factories import StructureFactory
from tests.indicators.conftest import add_worked_example
from tests.personas import ROLES

pytestmark = pytest.mark.django_db

SEES = {"editor", "reader", "advisor", "agent", "portal_admin"}
EDITS = {"editor", "portal_admin"}


@pytest.fixture
def record(structure):
    return ExitRecord.objects.create(
        structure=structure,
        reference="S-0042",
        entry_date=date(2009, 1, 5),
        exit_date=date(2009, 9, 30),
        exit_motive="cdi_non_aide",
    )


def _urls(structure, record):
    return {
        "list": reverse("indicators:exit_list", args=[structure.pk]),
        "detail": reverse("indicators:exit_detail", args=[structure.pk, record.pk]),
        "create": reverse("indicators:exit_create", args=[structure.pk]),
        "edit": reverse("indicators:exit_edit", args=[structure.pk, record.pk]),
        "delete": reverse("indicators:exit_delete", args=[structure.pk, record.pk]),
        "import": reverse("indicators:exit_import", args=[structure.pk]),
        "positionings": reverse("indicators:positionings", args=[structure.pk, 2009]),
        "export_csv": reverse("indicators:exit_list", args=[structure.pk]) + "?year=2009&format=csv",
        "export_xlsx": reverse("indicators:exit_list", args=[structure.pk]) + "?format=xlsx",
    }


PAGES = ["list", "detail", "create", "edit", "delete", "import", "positionings", "export_csv", "export_xlsx"]
READ_PAGES = {"list", "detail", "positionings", "export_csv", "export_xlsx"}


@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(client, request, structure, record, role, page_name):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_urls(structure, record)[page_name])
    if role not in SEES:
        expected = 404
    elif page_name in READ_PAGES or role in EDITS:
        expected = 200
    else:
        expected = 403
    assert response.status_code == expected
    if expected == 200 and page_name.startswith("export_"):
        assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("page_name", PAGES)
def test_anonymous_is_sent_to_login(client, structure, record, page_name):
    response = client.get(_urls(structure, record)[page_name])
    assert response.status_code == 302
    assert "/login/" in response.url


def test_a_record_of_another_structure_is_404_even_for_its_editor(client, editor, structure, other_structure):
    foreign = ExitRecord.objects.create(
        structure=other_structure, reference="X", entry_date=date(2009, 1, 1), exit_date=date(2009, 6, 1),
        exit_motive="chomage",
    )  # fmt: skip
    client.force_login(editor)
    # Mixing the editor's structure with another structure's record.
    assert client.get(reverse("indicators:exit_detail", args=[structure.pk, foreign.pk])).status_code == 404
    assert client.post(reverse("indicators:exit_delete", args=[structure.pk, foreign.pk])).status_code == 404
    assert ExitRecord.objects.filter(pk=foreign.pk).exists()


def _form_data(**overrides):
    data = {
        "reference": "S-0100",
        "entry_date": "2009-02-01",
        "exit_date": "2009-10-15",
        "exit_motive": "cdd_moins_6m",
        "hours_worked": "",
        "prescriber": "plie",
        "full_time": "unknown",
        "support_hours_internal": "12,5",
        "support_hours_external": "0",
        "training_entries": "1",
        "training_support_actions": "0",
        "situation_3_months": "",
        "situation_6_months": "",
        "situation_12_months": "",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix_create(client, request, structure, role):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("indicators:exit_create", args=[structure.pk]), _form_data())
    created = ExitRecord.objects.filter(reference="S-0100").exists()
    if role in EDITS:
        assert response.status_code == 302
        assert created
    else:
        assert response.status_code == (403 if role in SEES else 404)
        assert not created


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix_edit_and_delete(client, request, structure, record, role):
    client.force_login(request.getfixturevalue(role))
    edit = client.post(
        reverse("indicators:exit_edit", args=[structure.pk, record.pk]),
        _form_data(reference="S-0042", entry_date="2009-01-05", exit_motive="chomage"),
    )
    record.refresh_from_db()
    delete = client.post(reverse("indicators:exit_delete", args=[structure.pk, record.pk]))
    if role in EDITS:
        assert edit.status_code == delete.status_code == 302
        assert not ExitRecord.objects.filter(pk=record.pk).exists()
    else:
        expected = 403 if role in SEES else 404
        assert edit.status_code == delete.status_code == expected
        assert record.exit_motive == "cdi_non_aide"
        assert ExitRecord.objects.filter(pk=record.pk).exists()


def test_editor_creates_edits_and_deletes_with_history(client, editor, structure):
    client.force_login(editor)
    response = client.post(reverse("indicators:exit_create", args=[structure.pk]), _form_data())
    record = ExitRecord.objects.get(reference="S-0100")
    assert response.url == reverse("indicators:exit_detail", args=[structure.pk, record.pk])
    assert record.eligible_from == date(2009, 5, 1)
    assert str(record.support_hours_internal) == "12.50"
    client.post(
        reverse("indicators:exit_edit", args=[structure.pk, record.pk]),
        _form_data(exit_motive="cdi_non_aide", full_time="true"),
    )
    page = client.get(reverse("indicators:exit_detail", args=[structure.pk, record.pk])).text
    assert "Historique" in page
    assert "création" in page and "modification" in page
    assert "motif de sortie" in page  # the changed field is named
    assert editor.email in page
    client.post(reverse("indicators:exit_delete", args=[structure.pk, record.pk]))
    assert [h.history_type for h in ExitRecord.history.filter(id=record.pk).order_by("history_date")] == [
        "+",
        "~",
        "-",
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"exit_date": "2009-01-15"}, "exit_date", "antérieure à la date d'entrée"),
        ({"exit_date": "2999-01-15"}, "exit_date", "dans le futur"),
        ({"reference": ""}, "reference", "obligatoire"),
        ({"reference": "S-0042", "entry_date": "2009-01-05"}, "reference", "existe déjà"),
        ({"reference": "S-00\x0743"}, "reference", "caractère invisible"),
        ({"support_hours_internal": "-1"}, "support_hours_internal", "ne peut pas être négatif"),
    ],
)
def test_invalid_record_is_refused_in_french(client, editor, structure, record, overrides, field, message):
    client.force_login(editor)
    response = client.post(reverse("indicators:exit_create", args=[structure.pk]), _form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert ExitRecord.objects.count() == 1


def test_hours_are_required_for_an_ai(client, portal_admin):
    ai = StructureFactory(kind="AI")
    client.force_login(portal_admin)
    response = client.post(reverse("indicators:exit_create", args=[ai.pk]), _form_data())
    assert "hours_worked" in response.context["form"].errors
    response = client.post(reverse("indicators:exit_create", args=[ai.pk]), _form_data(hours_worked="151,5"))
    assert response.status_code == 302
    assert str(ExitRecord.objects.get().hours_worked) == "151.50"


def test_the_eligibility_thresholds_are_spelled_out(client, portal_admin, structure, worked_example):
    client.force_login(portal_admin)
    form = client.get(reverse("indicators:exit_create", args=[StructureFactory(kind="ETTI").pk])).text
    assert "Obligatoire pour une structure de type ETTI : une sortie compte à partir de 150 heures." in form
    listing = client.get(reverse("indicators:exit_list", args=[structure.pk])).text
    assert "dont éligibles (3 mois ACI/EI, 150 heures AI/ETTI)" in listing


def test_list_filters_and_shows_the_rates(client, reader, structure, worked_example):
    ExitRecord.objects.create(
        structure=structure, reference="OLD", entry_date=date(2007, 1, 1), exit_date=date(2007, 12, 31),
        exit_motive="chomage",
    )  # fmt: skip
    client.force_login(reader)
    url = reverse("indicators:exit_list", args=[structure.pk])
    response = client.get(url)
    assert response.context["page"].paginator.count == 21
    assert response.context["report_year"] == 2009
    assert "58,8\u00a0%" in response.text  # official rate of the worked example
    assert "76,9\u00a0%" in response.text
    assert "Ajouter une sortie" not in response.text
    response = client.get(url, {"year": 2009, "motive": "chomage"})
    assert response.context["page"].paginator.count == 3
    response = client.get(url, {"year": 2007})
    assert [r.reference for r in response.context["page"].object_list] == ["OLD"]
    assert response.context["report"]["exits"]["total"] == 1


def test_list_query_count_is_locked(client, editor, structure, django_assert_max_num_queries):
    for year in (2007, 2008, 2009):
        add_worked_example(structure, year)
    client.force_login(editor)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("indicators:exit_list", args=[structure.pk]))
    assert len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(18):
        response = client.get(reverse("indicators:exit_list", args=[structure.pk]), {"page": 2, "year": 2008})
    assert len(response.context["page"].object_list) == 0 or response.context["page"].number == 1


def test_structure_page_links_to_the_exits(client, reader, structure):
    client.force_login(reader)
    response = client.get(reverse("dossiers:structure_detail", args=[structure.pk]))
    assert reverse("indicators:exit_list", args=[structure.pk]) in response.text


# --- Import page ----------------------------------------------------------------------------------

CSV_OK = "reference;date_entree;date_sortie;motif_sortie\nA-1;05/01/2009;30/09/2009;Embauche en CDI non aidé\n"


@pytest.mark.parametrize("role", ROLES)
def test_import_post_matrix(client, request, structure, role):
    client.force_login(request.getfixturevalue(role))
    upload = SimpleUploadedFile("sorties.csv", CSV_OK.encode("cp1252"), content_type="text/csv")
    response = client.post(reverse("indicators:exit_import", args=[structure.pk]), {"file": upload})
    if role in EDITS:
        assert response.status_code == 302
        assert ExitRecord.objects.filter(structure=structure).count() == 1
    else:
        assert response.status_code == (403 if role in SEES else 404)
        assert not ExitRecord.objects.exists()


def test_import_page_lists_every_error_in_french_and_saves_nothing(client, editor, structure):
    client.force_login(editor)
    text = CSV_OK + "A-2;01/06/2009;01/01/2009;chomage\nA-3;01/01/2009;01/02/2009;licencié\n"
    upload = SimpleUploadedFile("sorties.csv", text.encode("utf-8-sig"))
    response = client.post(reverse("indicators:exit_import", args=[structure.pk]), {"file": upload})
    assert response.status_code == 200
    assert "2 erreurs" in response.text
    assert "ligne 3, colonne date_sortie : la date de sortie est antérieure à la date d&#x27;entrée." in response.text
    assert "ligne 4, colonne motif_sortie : motif inconnu « licencié »" in response.text
    assert not ExitRecord.objects.exists()


def test_import_page_refuses_other_file_types(client, editor, structure):
    client.force_login(editor)
    upload = SimpleUploadedFile("sorties.pdf", b"%PDF-1.4")
    response = client.post(reverse("indicators:exit_import", args=[structure.pk]), {"file": upload})
    assert "CSV (.csv) ou un classeur Excel" in response.text
    fake = SimpleUploadedFile("sorties.xlsx", b"not a zip at all")
    response = client.post(reverse("indicators:exit_import", args=[structure.pk]), {"file": fake})
    assert "pas un classeur Excel" in response.text


def test_import_success_message_counts_created_and_updated(client, editor, structure):
    client.force_login(editor)
    url = reverse("indicators:exit_import", args=[structure.pk])
    client.post(url, {"file": SimpleUploadedFile("s.csv", CSV_OK.encode())})
    response = client.post(url, {"file": SimpleUploadedFile("s.csv", CSV_OK.encode())}, follow=True)
    assert "0 sortie(s) créée(s), 0 mise(s) à jour, 1 inchangée(s)" in response.text
    history = ExitRecord.objects.get().history.get()
    assert history.history_user == editor


# --- Positionings -------------------------------------------------------------------------------------


def _positionings_data(values):
    data = {"positionings-TOTAL_FORMS": "7", "positionings-INITIAL_FORMS": "7"}
    codes = ["pole_emploi", "plie", "mission_locale", "conseil_general", "ccas", "candidature_spontanee", "autre"]
    for index, code in enumerate(codes):
        positioned, hired = values.get(code, (0, 0))
        data[f"positionings-{index}-prescriber"] = code
        data[f"positionings-{index}-positioned"] = str(positioned)
        data[f"positionings-{index}-hired"] = str(hired)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_positionings_post_matrix(client, request, structure, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("indicators:positionings", args=[structure.pk, 2009])
    response = client.post(url, _positionings_data({"pole_emploi": (20, 5), "plie": (8, 4)}))
    saved = {p.prescriber: (p.positioned, p.hired) for p in PrescriberPositioning.objects.all()}
    if role in EDITS:
        assert response.status_code == 302
        assert saved == {"pole_emploi": (20, 5), "plie": (8, 4)}
    else:
        assert response.status_code == (403 if role in SEES else 404)
        assert saved == {}


def test_positionings_formset_updates_deletes_and_validates(client, editor, reader, structure):
    PrescriberPositioning.objects.create(structure=structure, year=2009, prescriber="ccas", positioned=3, hired=1)
    client.force_login(editor)
    url = reverse("indicators:positionings", args=[structure.pk, 2009])
    response = client.post(url, _positionings_data({"pole_emploi": (4, 6)}))
    assert response.status_code == 200
    assert "dépasse celui des personnes positionnées" in response.text
    assert PrescriberPositioning.objects.count() == 1
    client.post(url, _positionings_data({"pole_emploi": (10, 4)}))
    assert {p.prescriber: (p.positioned, p.hired) for p in PrescriberPositioning.objects.all()} == {
        "pole_emploi": (10, 4)
    }
    client.force_login(reader)
    page = client.get(url).text
    assert "40,0\u00a0%" in page  # the ratio hired / positioned
    assert "<input" not in page.split("<table")[1]


def test_detail_of_a_record_without_history(client, editor, structure):
    """The demo seeds bulk-insert their exits: no history entry, and the page still opens."""
    from tests.indicators.dashboard_data import make_exits

    (record,) = make_exits(structure, 2009, ["chomage"])
    assert not record.history.exists()
    client.force_login(editor)
    response = client.get(reverse("indicators:exit_detail", args=[structure.pk, record.pk]))
    assert response.status_code == 200
    assert response.context["history"] == []


def test_detail_history_has_a_constant_number_of_queries(
    client, editor, structure, record, django_assert_max_num_queries
):
    for motive in ("chomage", "inactif", "cdi_aide", "cdd_moins_6m", "autre_siae"):
        record.exit_motive = motive
        record.save()
    client.force_login(editor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("indicators:exit_detail", args=[structure.pk, record.pk]))
    assert len(response.context["history"]) == 6
    assert response.context["history"][0]["changes"] == ["motif de sortie"]


def test_positionings_and_definitions_pages_have_a_constant_number_of_queries(
    client, editor, structure, uriae, django_assert_max_num_queries
):
    from indicators.models import CustomRateDefinition

    for code in ("pole_emploi", "plie", "ccas"):
        PrescriberPositioning.objects.create(structure=structure, year=2009, prescriber=code, positioned=9, hired=3)
    for n in range(10):
        CustomRateDefinition.objects.create(name=f"Définition {n}", network=uriae if n % 2 else None)
    client.force_login(editor)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("indicators:positionings", args=[structure.pk, 2009]))
    assert response.context["total_positioned"] == 27
    with django_assert_max_num_queries(6):
        response = client.get(reverse("indicators:definition_list"))
    assert len(response.context["rows"]) == 10


@pytest.mark.parametrize("role", ROLES)
def test_import_template_is_a_file_the_import_accepts(client, request, structure, role):
    from indicators.importer import import_exits

    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("indicators:import_template", args=[structure.pk]))
    assert response.status_code == (200 if role in SEES else 404)
    if role in SEES:
        result = import_exits(structure, response.content, "modele.csv", today=date(2010, 1, 1))
        assert (result.created, result.unknown_columns) == (1, [])
        assert ExitRecord.objects.get().signed_statement is True


def test_detail_of_a_record_loaded_in_bulk_without_history(client, reader, structure):
    """The national loader and bulk_create write no history row: the page still answers, and says why."""
    ExitRecord.objects.bulk_create(
        [
            ExitRecord(
                structure=structure,
                reference="BULK-1",
                entry_date=date(2009, 1, 5),
                exit_date=date(2009, 9, 30),
                eligible_from=date(2009, 4, 5),
                exit_motive="cdi_non_aide",
            )
        ]
    )
    record = ExitRecord.objects.get(reference="BULK-1")
    assert not record.history.exists()
    client.force_login(reader)
    response = client.get(reverse("indicators:exit_detail", args=[structure.pk, record.pk]))
    assert response.status_code == 200
    assert "Aucune modification enregistrée : cette sortie a été chargée en masse" in response.text


def test_the_import_page_lists_the_motive_codes_and_labels(client, editor, structure):
    client.force_login(editor)
    text = client.get(reverse("indicators:exit_import", args=[structure.pk])).text
    assert "Nomenclature des motifs de sortie" in text
    for motive in EXIT_MOTIVES:
        assert f"<code>{motive.code}</code>" in text
    assert "Embauche en CDI non aidé" in text and "Emploi durable" in text
