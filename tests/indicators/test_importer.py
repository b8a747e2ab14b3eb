"""The import of exit records, with files as French users produce them."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.importer import ImportFailed, import_exits, normalize_text
from indicators.models import ExitRecord, eligible_exit_q
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

TODAY = date(2010, 1, 15)

# What a French spreadsheet exports: `;`, dates JJ/MM/AAAA, decimal comma, labels with accents.
FRENCH_CSV = (
    "reference;date_entree;date_sortie;motif_sortie;heures_travaillees;prescripteur;emploi_temps_plein;"
    "heures_accompagnement_interne;heures_accompagnement_externe;entrees_formation;actions_vers_formation;"
    "situation_6_mois;commentaire\n"
    "S-001;05/01/2009;30/09/2009;Embauche en CDI non aidé;820,5;Pôle emploi;oui;35,5;4;1;2;cdi_non_aide;RAS\n"
    "S-002;2009-02-02;2009-11-30;DECES;600;plie;;12;0;0;0;;\n"
    "S-003;01/03/2009;15/12/2009;au chomage;410,25;Mission locale;non;20;6,5;0;1;Sans nouvelle;à relancer\n"
)


def make_file(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def run(structure, raw, filename="sorties.csv"):
    return import_exits(structure, raw, filename, today=TODAY)


def errors_of(structure, raw, filename="sorties.csv"):
    with pytest.raises(ImportFailed) as failure:
        run(structure, raw, filename)
    return [str(error) for error in failure.value.errors]


def run_once_fixed(structure, text, error, wrong, right):
    """Import `text`, refused with `error` alone while it holds `wrong`, then imported once `wrong`
    reads `right`; the result."""
    assert errors_of(structure, make_file(text)) == [error]
    return run(structure, make_file(text.replace(wrong, right)))


@pytest.fixture
def aci(db):
    return StructureFactory(kind="ACI")


@pytest.fixture
def ai(db):
    return StructureFactory(kind="AI")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_french_file_in_every_encoding(aci, encoding):
    result = run(aci, make_file(FRENCH_CSV, encoding))
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert result.unknown_columns == ["commentaire"]
    first = ExitRecord.objects.get(reference="S-001")
    assert first.entry_date == date(2009, 1, 5)
    assert first.exit_date == date(2009, 9, 30)
    assert first.exit_motive == "cdi_non_aide"
    assert first.hours_worked == Decimal("820.50")
    assert first.prescriber == "pole_emploi"
    assert first.full_time is True
    assert first.support_hours_internal == Decimal("35.50")
    assert first.training_support_actions == 2
    assert first.situation_6_months == "cdi_non_aide"
    assert first.eligible_from == date(2009, 4, 5)
    third = ExitRecord.objects.get(reference="S-003")
    assert (third.exit_motive, third.full_time, third.situation_6_months) == ("chomage", False, "sans_nouvelle")
    assert third.support_hours_external == Decimal("6.50")
    second = ExitRecord.objects.get(reference="S-002")
    assert (second.exit_motive, second.full_time, second.situation_6_months) == ("deces", None, "")


def test_comma_separated_file_with_iso_dates_and_decimal_point(aci):
    text = (
        "Référence,Date_Entrée,date_sortie,motif_sortie,heures_travaillees\n"
        'S-1,2009-01-31,2009-04-30,cdd_moins_6m,"160,5"\n'
        "S-2,2009-01-31,2009-04-29,Formation qualifiante,150.25\n"
    )
    # "Formation qualifiante" is neither the code nor the label.
    error = (
        "ligne 3, colonne motif_sortie : motif inconnu « Formation qualifiante » : indiquez un code ou un "
        "libellé de la nomenclature."
    )
    result = run_once_fixed(aci, text, error, "Formation qualifiante", "FORMATION_QUALIFIANTE")
    assert result.created == 2
    assert ExitRecord.objects.get(reference="S-1").hours_worked == Decimal("160.50")
    assert ExitRecord.objects.get(reference="S-2").hours_worked == Decimal("150.25")
    assert ExitRecord.objects.filter(eligible_exit_q()).count() == 1  # exactly 3 months for S-1, one day short for S-2


@pytest.mark.parametrize(
    "label",
    [
        "Décès",
        "DECES",
        "deces",
        "  Décès ",
        "Rupture pendant la période d\u2019essai",
        "RUPTURE PENDANT LA PERIODE D'ESSAI",
        "cdi_structure",
        "CDI dans la structure ou une filiale, hors poste d'insertion",
    ],
)
def test_motive_labels_ignore_case_and_accents(aci, label):
    quoted = f'"{label}"' if "," in label else label
    run(aci, make_file(f"reference;date_entree;date_sortie;motif_sortie\nA;01/01/2009;01/06/2009;{quoted}\n"))
    assert ExitRecord.objects.get().exit_motive in {"deces", "rupture_essai", "cdi_structure"}
    assert normalize_text(label) in {"deces", "rupture pendant la periode d'essai", "cdi_structure"} or "," in label


HEADER = "reference;date_entree;date_sortie;motif_sortie;heures_travaillees;entrees_formation;emploi_temps_plein\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (";01/01/2009;01/06/2009;chomage;;;", "ligne 2, colonne reference : valeur obligatoire manquante."),
        (
            "A\x01B;01/01/2009;01/06/2009;chomage;;;",
            "ligne 2, colonne reference : la référence contient un caractère invisible (tabulation, saut de "
            "ligne...) : retirez-le.",
        ),
        ("A;;01/06/2009;chomage;;;", "ligne 2, colonne date_entree : valeur obligatoire manquante."),
        (
            "A;31/02/2009;01/06/2009;chomage;;;",
            "ligne 2, colonne date_entree : date impossible « 31/02/2009 » : ce jour n'existe pas dans le calendrier.",
        ),
        (
            "A;2009-13-01;2009-06-01;chomage;;;",
            "ligne 2, colonne date_entree : date impossible « 2009-13-01 » : ce jour n'existe pas dans le calendrier.",
        ),
        (
            "A;29/02/2009;01/06/2009;chomage;;;",
            "ligne 2, colonne date_entree : date impossible « 29/02/2009 » : ce jour n'existe pas dans le calendrier.",
        ),
        (
            "A;01/01/2009;1er juin;chomage;;;",
            "ligne 2, colonne date_sortie : date invalide « 1er juin » : attendu JJ/MM/AAAA ou AAAA-MM-JJ.",
        ),
        (
            "A;01/01/2009;01/06/2010;chomage;;;",
            "ligne 2, colonne date_sortie : la date « 01/06/2010 » est dans le futur.",
        ),
        (
            "A;01/06/2009;01/01/2009;chomage;;;",
            "ligne 2, colonne date_sortie : la date de sortie est antérieure à la date d'entrée.",
        ),
        ("A;01/01/2009;01/06/2009;;;;", "ligne 2, colonne motif_sortie : valeur obligatoire manquante."),
        (
            "A;01/01/2009;01/06/2009;licenciement;;;",
            "ligne 2, colonne motif_sortie : motif inconnu « licenciement » : indiquez un code ou un libellé de "
            "la nomenclature.",
        ),
        (
            "A;01/01/2009;01/06/2009;chomage;-3;;",
            "ligne 2, colonne heures_travaillees : le nombre d'heures ne peut pas être négatif.",
        ),
        (
            "A;01/01/2009;01/06/2009;chomage;beaucoup;;",
            "ligne 2, colonne heures_travaillees : nombre d'heures invalide « beaucoup ».",
        ),
        (
            "A;01/01/2009;01/06/2009;chomage;;1,5;",
            "ligne 2, colonne entrees_formation : nombre entier attendu, pas « 1,5 ».",
        ),
        (
            "A;01/01/2009;01/06/2009;chomage;;;peut-être",
            "ligne 2, colonne emploi_temps_plein : réponse attendue « oui » ou « non », pas « peut-être ».",
        ),
    ],
)
def test_each_error_kind_is_reported_with_line_and_column(aci, row, expected):
    assert errors_of(aci, make_file(HEADER + row + "\n")) == [expected]
    assert not ExitRecord.objects.exists()


def test_hours_are_required_for_ai_and_etti(ai):
    text = HEADER + "A;01/01/2009;01/06/2009;chomage;;;\nB;01/01/2009;01/06/2009;chomage;151;;\n"
    assert errors_of(ai, make_file(text)) == [
        "ligne 2, colonne heures_travaillees : valeur obligatoire pour une structure de type AI "
        "(règle des 150 heures)."
    ]


def test_unknown_prescriber(aci):
    text = "reference;date_entree;date_sortie;motif_sortie;prescripteur\nA;01/01/2009;01/06/2009;chomage;ANPE\n"
    (error,) = errors_of(aci, make_file(text))
    assert error.startswith("ligne 2, colonne prescripteur : prescripteur inconnu « ANPE » (pole_emploi, plie,")


def test_missing_required_columns_are_named(aci):
    text = "reference;date_sortie;motif;remarque\nA;01/06/2009;chomage;x\n"
    with pytest.raises(ImportFailed) as failure:
        run(aci, make_file(text))
    assert [str(e) for e in failure.value.errors] == [
        "ligne 1, colonne date_entree : colonne obligatoire absente de la ligne d'en-tête.",
        "ligne 1, colonne motif_sortie : colonne obligatoire absente de la ligne d'en-tête.",
    ]
    assert failure.value.unknown_columns == ["motif", "remarque"]


def test_same_key_twice_in_the_file(aci):
    text = (
        HEADER
        + "A;01/01/2009;01/06/2009;chomage;;;\nB;01/01/2009;01/06/2009;chomage;;;\n"
        + "A;2009-01-01;01/07/2009;inactif;;;\n"
    )
    assert errors_of(aci, make_file(text)) == [
        "ligne 4, colonne reference : la référence « A » avec cette date d'entrée figure déjà ligne 2."
    ]


def test_all_or_nothing_and_every_error_is_listed(aci):
    text = (
        HEADER
        + "OK-1;01/01/2009;01/06/2009;chomage;;;\n"
        + "\n"  # a blank line keeps the numbering of the following lines
        + "KO-1;01/06/2009;01/01/2009;chomage;;;\n"
        + "KO-2;01/01/2009;01/06/2009;inconnu;-1;;\n"
    )
    assert errors_of(aci, make_file(text)) == [
        "ligne 4, colonne date_sortie : la date de sortie est antérieure à la date d'entrée.",
        "ligne 5, colonne motif_sortie : motif inconnu « inconnu » : indiquez un code ou un libellé de la "
        "nomenclature.",
        "ligne 5, colonne heures_travaillees : le nombre d'heures ne peut pas être négatif.",
    ]
    assert not ExitRecord.objects.exists()


def test_reimport_creates_nothing_and_updates_changed_rows(aci):
    raw = make_file(FRENCH_CSV)
    run(aci, raw)
    again = run(aci, raw)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert ExitRecord.objects.count() == 3
    changed = make_file(
        FRENCH_CSV.replace("S-003;01/03/2009;15/12/2009;au chomage", "S-003;01/03/2009;15/12/2009;inactif")
    )
    result = run(aci, changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    record = ExitRecord.objects.get(reference="S-003")
    assert record.exit_motive == "inactif"
    assert [h.exit_motive for h in record.history.order_by("history_date", "history_id")] == ["chomage", "inactif"]
    assert record.history.first().history_change_reason == "import"


def test_same_reference_in_another_structure_is_another_record(aci):
    run(aci, make_file(FRENCH_CSV))
    other = StructureFactory(kind="EI")
    assert run(other, make_file(FRENCH_CSV)).created == 3
    assert ExitRecord.objects.count() == 6


def test_xlsx_file_with_real_dates_and_numbers(ai):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Référence", "Date entrée", "date_sortie", "Motif sortie", "Heures travaillées", "Notes"])
    sheet.append(["X-1", date(2009, 1, 5), date(2009, 6, 30), "Embauche dans une autre structure IAE", 151.5, None])
    sheet.append(["X-2", "12/02/2009", "2009-07-01", "chomage", 149, "ok"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["X-3", date(2009, 1, 5), date(2009, 6, 30), "cdi_aide", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert errors_of(ai, buffer.getvalue(), "sorties.xlsx") == [
        "ligne 5, colonne heures_travaillees : valeur obligatoire pour une structure de type AI "
        "(règle des 150 heures)."
    ]
    sheet.delete_rows(5)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(ai, buffer.getvalue(), "sorties.xlsx")
    assert (result.created, result.unknown_columns) == (2, ["notes"])
    assert ExitRecord.objects.get(reference="X-1").exit_motive == "autre_siae"
    assert ExitRecord.objects.get(reference="X-2").hours_worked == Decimal("149.00")
    assert ExitRecord.objects.filter(eligible_exit_q()).count() == 1


def test_a_file_that_is_not_a_table(aci):
    assert errors_of(aci, b"\x00\x01\x02binary") == [
        "ligne 1, colonne - : le fichier n'est pas un fichier CSV ou Excel (.xlsx) lisible."
    ]
    assert errors_of(aci, b"PK\x03\x04broken", "x.xlsx") == [
        "ligne 1, colonne - : le fichier Excel est illisible ou endommagé."
    ]


def test_command_success_and_failure(aci, tmp_path, capsys):
    good = tmp_path / "sorties.csv"
    good.write_bytes(make_file(FRENCH_CSV, "cp1252"))
    out = io.StringIO()
    call_command("import_exits", "--structure", aci.siret, str(good), stdout=out)
    assert "créées : 3" in out.getvalue()
    assert "mises à jour : 0" in out.getvalue()
    assert "commentaire" in out.getvalue()

    bad = tmp_path / "erreurs.csv"
    bad.write_bytes(make_file(HEADER + "Z;01/06/2009;01/01/2009;chomage;;;\n"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_exits", "--structure", aci.siret, str(bad), stderr=err)
    assert "ligne 2, colonne date_sortie : la date de sortie est antérieure à la date d'entrée." in err.getvalue()
    assert ExitRecord.objects.count() == 3


def test_command_exit_code_is_non_zero_on_errors(aci, tmp_path):
    from indicators.management.commands.import_exits import Command

    bad = tmp_path / "erreurs.csv"
    bad.write_bytes(make_file(HEADER + "Z;01/06/2009;01/01/2009;chomage;;;\n"))
    with pytest.raises(SystemExit) as exit_:
        Command(stdout=io.StringIO(), stderr=io.StringIO()).run_from_argv(
            ["manage.py", "import_exits", "--structure", aci.siret, str(bad)]
        )
    assert exit_.value.code == 1


def test_command_unknown_structure(db, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(FRENCH_CSV)
    with pytest.raises(CommandError, match="Aucune structure"):
        call_command("import_exits", "--structure", "123 456 789 00012", str(path))


def test_trailing_separators_and_a_line_with_too_many_values(aci):
    text = "reference;date_entree;date_sortie;motif_sortie;\nA;01/01/2009;01/06/2009;chomage;\n"
    result = run(aci, make_file(text))
    assert (result.created, result.unknown_columns) == (1, [])
    text = "reference;date_entree;date_sortie;motif_sortie\nB;01/01/2009;01/06/2009;chomage\nC;01/01/2009;x;y;z;t\n"
    assert errors_of(aci, make_file(text)) == [
        "ligne 3, colonne - : 6 valeurs alors que la ligne d'en-tête a 4 colonnes (séparateur « ; »)."
    ]
    assert errors_of(aci, b"") == ["ligne 1, colonne - : le fichier est vide."]


def test_import_history_rows_copy_every_field(aci, editor):
    result = import_exits(aci, make_file(FRENCH_CSV), "sorties.csv", user=editor, today=TODAY)
    assert result.created == 3
    record = ExitRecord.objects.get(reference="S-001")
    (entry,) = record.history.all()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("+", editor, "import")
    for field in ExitRecord._meta.concrete_fields:
        assert getattr(entry, field.attname) == getattr(record, field.attname), field.name
    assert entry.instance == record


def test_unpadded_dates_and_thousands_separators(ai):
    text = (
        "reference;date_entree;date_sortie;motif_sortie;heures_travaillees\n"
        "A;5/1/2009;30/9/2009;chomage;1\u00a0234,5\n"
        "B;05/01/09;30/09/2009;chomage;1 000\n"
    )
    error = "ligne 3, colonne date_entree : date invalide « 05/01/09 » : attendu JJ/MM/AAAA ou AAAA-MM-JJ."
    run_once_fixed(ai, text, error, "05/01/09", "05/01/2009")
    assert ExitRecord.objects.get(reference="A").entry_date == date(2009, 1, 5)
    assert ExitRecord.objects.get(reference="A").hours_worked == Decimal("1234.50")
    assert ExitRecord.objects.get(reference="B").hours_worked == Decimal("1000.00")


def test_update_writes_every_kind_of_value_and_keeps_the_creation_date(aci):
    run(aci, make_file(FRENCH_CSV))
    before = ExitRecord.objects.get(reference="S-002")
    changed = FRENCH_CSV.replace(
        "S-002;2009-02-02;2009-11-30;DECES;600;plie;;12;0;0;0;;",
        "S-002;2009-02-02;2009-12-15;cdi_aide;612,75;ccas;oui;13,5;2;1;3;Inactif;",
    )
    result = run(aci, make_file(changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    after = ExitRecord.objects.get(reference="S-002")
    assert after.pk == before.pk
    assert after.created_at == before.created_at
    assert after.updated_at > before.updated_at
    assert (after.exit_date, after.exit_motive, after.hours_worked, after.prescriber, after.full_time) == (
        date(2009, 12, 15),
        "cdi_aide",
        Decimal("612.75"),
        "ccas",
        True,
    )
    assert (after.support_hours_internal, after.support_hours_external) == (Decimal("13.50"), Decimal("2.00"))
    assert (after.training_entries, after.training_support_actions, after.situation_6_months) == (1, 3, "inactif")
    assert ExitRecord.objects.get(reference="S-001").exit_motive == "cdi_non_aide"  # untouched
    latest = after.history.order_by("-history_id").first()
    assert (latest.history_type, latest.hours_worked, latest.exit_motive) == ("~", Decimal("612.75"), "cdi_aide")


# Saved by a spreadsheet on Windows: CRLF, and cells holding line breaks are quoted over several lines.
MULTI_LINE_CSV = (
    "reference;date_entree;date_sortie;motif_sortie;heures_travaillees;commentaire\r\n"  # line 1
    'S-001;05/01/2009;30/09/2009;Embauche en CDI non aidé;820,5;"Très bien intégré.\r\n'  # line 2
    'Suivi par Mme Lefèvre"\r\n'  # line 3
    '"Dossier suivi par l\'antenne de Roubaix,\r\nà transférer à Lille";02/02/2009;30/11/2009;décès;600;\r\n'  # 4-5
    'S-003;01/03/2009;15/12/2009;au chômage;-4;"à relancer\r\n\r\nen janvier"\r\n'  # lines 6 to 8
    "S-004;31/02/2009;15/12/2009;licenciement;410,25;\r\n"  # line 9
)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_errors_after_multi_line_cells_give_the_line_where_the_row_starts(aci, encoding):
    """The line a text editor shows where the row begins, not the count of rows: a cell with line
    breaks takes several lines of the file."""
    assert errors_of(aci, make_file(MULTI_LINE_CSV, encoding)) == [
        "ligne 4, colonne reference : la référence dépasse 50 caractères.",
        "ligne 4, colonne reference : la référence contient un caractère invisible (tabulation, saut de ligne...) : "
        "retirez-le.",
        "ligne 6, colonne heures_travaillees : le nombre d'heures ne peut pas être négatif.",
        "ligne 9, colonne date_entree : date impossible « 31/02/2009 » : ce jour n'existe pas dans le calendrier.",
        "ligne 9, colonne motif_sortie : motif inconnu « licenciement » : indiquez un code ou un libellé de la "
        "nomenclature.",
    ]


def test_multi_line_cells_are_imported_and_duplicates_name_the_first_line(aci):
    text = (
        "reference;date_entree;date_sortie;motif_sortie;commentaire\n"
        'B;01/01/2009;01/06/2009;chomage;"deux\nlignes\nde plus"\n'  # lines 2-4
        'A;01/01/2009;01/06/2009;chomage;"première\nsortie"\n'  # lines 5-6
        "A;2009-01-01;01/07/2009;inactif;\n"  # line 7
    )
    assert errors_of(aci, make_file(text)) == [
        "ligne 7, colonne reference : la référence « A » avec cette date d'entrée figure déjà ligne 5."
    ]
    result = run(aci, make_file(text.rsplit("A;2009", 1)[0]))
    assert (result.created, result.unknown_columns) == (2, ["commentaire"])


def test_a_line_with_too_many_values_after_a_multi_line_cell(aci):
    text = (
        "reference;date_entree;date_sortie;motif_sortie\n"
        'B;01/01/2009;01/06/2009;"chomage\n"\n'  # lines 2-3
        "C;01/01/2009;x;y;z;t\n"  # line 4
    )
    assert errors_of(aci, make_file(text)) == [
        "ligne 4, colonne - : 6 valeurs alors que la ligne d'en-tête a 4 colonnes (séparateur « ; »)."
    ]


def test_xlsx_rows_keep_their_sheet_number_when_a_cell_holds_line_breaks(ai):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["reference", "date_entree", "date_sortie", "motif_sortie", "heures_travaillees", "notes"])
    sheet.append(["X-1", date(2009, 1, 5), date(2009, 6, 30), "chomage", 151.5, "suivi\nrenforcé\nen juin"])
    sheet.append(["X-2", date(2009, 1, 5), date(2009, 6, 30), "chomage", None, "ligne 3\nde la feuille"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert errors_of(ai, buffer.getvalue(), "sorties.xlsx") == [
        "ligne 3, colonne heures_travaillees : valeur obligatoire pour une structure de type AI "
        "(règle des 150 heures)."
    ]


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_csv_column_named_twice_is_refused_not_half_read(aci):
    """pandas would rename the second "motif_sortie" and the import would keep the first silently."""
    text = "reference;date_entree;date_sortie;motif_sortie;motif_sortie\nA;01/01/2009;01/06/2009;chomage;cdi_aide\n"
    assert errors_of(aci, make_file(text)) == ["ligne 1, colonne motif_sortie : colonne présente deux fois."]
    assert not ExitRecord.objects.exists()


def test_an_xlsx_column_named_twice_is_refused(aci):
    raw = _xlsx(
        [
            ["reference", "date_entree", "date_sortie", "motif_sortie", "reference", "notes", "notes"],
            ["A", "01/01/2009", "01/06/2009", "chomage", "B", "x", "y"],
        ]
    )
    assert errors_of(aci, raw, "sorties.xlsx") == ["ligne 1, colonne reference : colonne présente deux fois."]
    assert not ExitRecord.objects.exists()


def test_an_unknown_column_named_twice_is_ignored_once(aci):
    raw = _xlsx(
        [
            ["reference", "date_entree", "date_sortie", "motif_sortie", "notes", "Notes"],
            ["A", "01/01/2009", "01/06/2009", "chomage", "x", "y"],
        ]
    )
    result = run(aci, raw, "sorties.xlsx")
    assert (result.created, result.unknown_columns) == (1, ["notes"])


def test_the_import_page_and_command_refuse_a_repeated_xlsx_column(client, editor, structure, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    raw = _xlsx(
        [
            ["reference", "date_entree", "date_entree", "date_sortie", "motif_sortie"],
            ["A", "01/01/2009", "01/01/2009", "01/06/2009", "chomage"],
        ]
    )
    client.force_login(editor)
    response = client.post(
        reverse("indicators:exit_import", args=[structure.pk]), {"file": SimpleUploadedFile("sorties.xlsx", raw)}
    )
    assert response.status_code == 200
    assert "ligne 1, colonne date_entree : colonne présente deux fois." in response.text
    path = tmp_path / "sorties.xlsx"
    path.write_bytes(raw)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_exits", "--structure", structure.siret, str(path), stderr=err)
    assert "ligne 1, colonne date_entree : colonne présente deux fois." in err.getvalue()
    assert not ExitRecord.objects.exists()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_read(aci, client, editor, structure, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.zip_bomb import zip_bomb

    bomb = zip_bomb(20, "xlsx")  # 20 Mo of zeros in about 20 Ko
    expected = (
        "ligne 1, colonne - : le fichier Excel est refusé : il se décompresse en 20\xa0Mo, plus de 100 fois "
        "sa taille (archive piégée ?)."
    )
    assert errors_of(aci, bomb, "sorties.xlsx") == [expected]
    client.force_login(editor)
    response = client.post(
        reverse("indicators:exit_import", args=[structure.pk]), {"file": SimpleUploadedFile("sorties.xlsx", bomb)}
    )
    assert response.status_code == 200
    assert expected in response.text
    path = tmp_path / "sorties.xlsx"
    path.write_bytes(bomb)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("import_exits", "--structure", aci.siret, str(path), stderr=err)
    assert expected in err.getvalue()
    assert not ExitRecord.objects.exists()


def test_an_xlsx_over_the_decompressed_limit_is_refused(aci, monkeypatch):
    from indicators import importer

    monkeypatch.setattr(importer, "MAX_XLSX_UNCOMPRESSED_SIZE", 100_000)
    raw = _xlsx([["reference", "date_entree", "date_sortie", "motif_sortie"]] + [["A"] * 4] * 2000)
    [error] = errors_of(aci, raw, "sorties.xlsx")
    assert error.endswith("au-delà de la limite de 0,1\xa0Mo (archive piégée ?).")
