"""The readers of the portal's own data files: every error names the file and the line."""

import pytest
from django.conf import settings

from siae_portal.datafiles import DataFileError, key_problems, read_csv, read_json


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def error_of(function, *args, **kwargs) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        function(*args, **kwargs)
    return caught.value


def assert_named_at_line(error, path, line, message):
    """The error knows its line, and names the file and that line before saying `message`."""
    assert error.line == line
    assert str(error).startswith(f"{path}, ligne {line} : ")
    assert message in str(error)


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_rows_carry_the_line_where_their_record_starts(tmp_path):
    path = write(tmp_path, "rows.csv", 'name,text\nA,un\n\nB,"deux\nlignes"\nC,trois\n')
    rows = read_csv(path, ["name", "text"])
    assert [(row["name"], row["text"], row.line) for row in rows] == [
        ("A", "un", 2),
        ("B", "deux\nlignes", 4),
        ("C", "trois", 6),
    ]


def test_csv_with_a_byte_order_mark_and_an_optional_column(tmp_path):
    path = write(tmp_path, "rows.csv", "\ufeffname\nA\n")
    assert read_csv(path, ["name"], optional=("comment",)) == [{"name": "A", "comment": ""}]


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("name,txt\nA,un\n", 1, "colonnes manquantes : text ; colonnes inconnues : txt (attendu : name, text)."),
        ("name,text,name\n", 1, "colonnes en double : name"),
        ("", 1, "fichier vide"),
        ("name,text\nA,un\nB,deux,trois\n", 3, "3 valeurs pour 2 colonnes (une virgule de trop ?)."),
        ('name,text\nA,un\nB,"deux\nC,trois\n', 3, "CSV mal formé"),
        ("name,text\nA,un\nB,a\x00b\n", 3, "caractère nul interdit."),
    ],
)
def test_a_malformed_csv_names_the_file_and_the_line(tmp_path, content, line, message):
    path = write(tmp_path, "rows.csv", content)
    assert_named_at_line(error_of(read_csv, path, ["name", "text"]), path, line, message)


def test_a_file_that_is_not_utf8_names_the_line_of_the_first_bad_byte(tmp_path):
    path = write(tmp_path, "rows.csv", "name,text\nA,un\nB,Fran\xe7ais\n", encoding="cp1252")
    error = error_of(read_csv, path, ["name", "text"])
    assert str(error) == f"{path}, ligne 3 : le fichier doit être encodé en UTF-8."


def test_a_missing_file_is_named(tmp_path):
    error = error_of(read_json, tmp_path / "absent.json")
    assert str(error).startswith(f"{tmp_path / 'absent.json'} : fichier illisible")


def test_the_portals_own_files_are_named_from_the_project(tmp_path):
    path = settings.BASE_DIR / "demo" / "data" / "absent.csv"
    assert str(error_of(read_csv, path, ["name"])).startswith("demo/data/absent.csv : fichier illisible")


# --- JSON ----------------------------------------------------------------------------------------


def test_json_objects_know_the_line_of_their_opening_brace(tmp_path):
    path = write(
        tmp_path, "data.json", '{\n  "items": [\n    {"a": 1},\n\n    {\n      "b": {"c": 2}\n    }\n  ]\n}\n'
    )
    document = read_json(path)
    first, second = document["items"]
    assert (document.line, first.line, second.line, second["b"].line) == (1, 3, 5, 6)
    assert document == {"items": [{"a": 1}, {"b": {"c": 2}}]}


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ('{\n  "a": 1\n  "b": 2\n}', 3, "JSON mal formé, colonne 3 : virgule attendue."),
        ('{\n  "a": 1,\n}', 3, "JSON mal formé, colonne 1 : nom de clé entre guillemets droits attendu."),
        ("{\n  'a': 1\n}", 2, "nom de clé entre guillemets droits attendu"),
        ('[\n  "a",\n  "b', 3, "chaîne non terminée"),
        ('[\n  "a",\n  "b\n]', 3, "caractère de contrôle dans une chaîne (retour à la ligne : \\n)."),
        ('[\n  "a",\n  "b\\u0000"\n]', 3, "caractère nul interdit."),
        ('{"a": 1}\n{"b": 2}', 2, "contenu en trop après la fin du JSON"),
        ("", 1, "valeur attendue"),
        ('{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}', 1, "la clé « a » est donnée deux fois."),
    ],
)
def test_a_malformed_json_names_the_file_and_the_line(tmp_path, content, line, message):
    path = write(tmp_path, "data.json", content)
    assert_named_at_line(error_of(read_json, path), path, line, message)


def test_a_deeply_nested_json_is_refused_not_a_crash(tmp_path):
    path = write(tmp_path, "data.json", "[" * 100_000 + "]" * 100_000)
    assert "trop profondément imbriqué" in str(error_of(read_json, path))


def test_key_problems_name_missing_and_unknown_keys():
    assert key_problems({"code": 1, "lable": 2}, ["code", "label"], ["help"]) == [
        "clés manquantes : label",
        "clés inconnues : lable",
    ]
    assert key_problems({"code": 1, "help": 2}, ["code"], ["help"]) == []
