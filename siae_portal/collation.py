"""French alphabetical order ("Bâtir" before "Bruay", "École" among the E), the same on both
databases and in Python.

- `siae_portal.words.french_key(text)` is the pure rule: letters compared without accents and
  case first, then accents and case to break ties (so that the order is total and stable).
- `French("name")` is that order in SQL, for `order_by()` and `Meta.ordering`: PostgreSQL's ICU
  collation `fr-x-icu` (part of every PostgreSQL built with ICU, as Debian's and the usual managed
  services are), and on SQLite a collation `french` registered on each new connection
  (`register_sqlite_collation`, connected in SiaePortalConfig.ready) that compares `french_key`s."""

from django.db.models import F
from django.db.models.functions import Collate

from .words import french_key

SQL_COLLATIONS = {"postgresql": "fr-x-icu", "sqlite": "french"}


def compare_french(left: str, right: str) -> int:
    """-1, 0 or 1, as SQLite's collation callback wants."""
    a, b = french_key(left), french_key(right)
    return (a > b) - (a < b)


class French(Collate):
    """`expression` (a field name or an expression) in French order, on the active database."""

    def __init__(self, expression):
        super().__init__(F(expression) if isinstance(expression, str) else expression, "french")

    def as_sql(self, compiler, connection, **extra_context):
        collation = SQL_COLLATIONS.get(connection.vendor)
        if collation is None:  # another database: its own order
            return compiler.compile(self.get_source_expressions()[0])
        extra_context["collation"] = connection.ops.quote_name(collation)
        return super().as_sql(compiler, connection, **extra_context)


def register_sqlite_collation(sender, connection, **kwargs):
    """`connection_created` receiver: SQLite learns the `french` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation("french", compare_french)
