"""Bulk writes of plain rows, beside the ORM: PostgreSQL's COPY, multi-row INSERTs elsewhere.

For the national seed and the exit import, where building one model object per row costs more
than the write itself. No save(), no signal, no field default: the caller gives every column it
needs and refreshes what depends on the rows (the exit rollup)."""

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection

# SQLite refuses a statement with more than 32,766 parameters.
MAX_PARAMETERS = 32_000


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence], *, table: str | None = None) -> None:
    """Write `rows` (tuples of Python values in the order of `columns`, fields of `model` named by
    their column) into `table`, the model's own by default (or a temporary copy of it)."""
    table = connection.ops.quote_name(table or model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(column) for column in columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    fields = [model._meta.get_field(column) for column in columns]
    per_statement = max(1, MAX_PARAMETERS // len(fields))
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(islice(rows, per_statement)):
            params = [
                field.get_db_prep_save(value, connection)
                for row in batch
                for field, value in zip(fields, row, strict=True)
            ]
            values = ", ".join([placeholders] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({column_list}) VALUES {values}", params)
