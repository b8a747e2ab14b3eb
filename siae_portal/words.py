"""French words (pure): plural agreement, where 0 and 1 take the singular ("0 question modifiée"),
and alphabetical order (`french_key`, which siae_portal.collation also puts in SQL)."""

import functools
import unicodedata


def is_plural(count) -> bool:
    """French agreement: plural from 2 on (Django's `pluralize` makes 0 plural, as English does)."""
    try:
        return abs(float(len(count) if hasattr(count, "__len__") else count)) >= 2
    except (TypeError, ValueError):
        return False


def plural(count, suffixes: str = "s") -> str:
    """The suffix agreeing with `count`: "s" or "" by default, or "singular,plural" ("a,ont")."""
    singular, _, many = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    return many if is_plural(count) else singular


def counted(count, singular: str, many: str | None = None) -> str:
    """'1 réponse reprise', '3 réponses reprises': the number and its agreeing words."""
    return f"{count} {(many or singular + 's') if is_plural(count) else singular}"


@functools.lru_cache(maxsize=16384)  # the same names are sorted on every dashboard
def french_key(text: str) -> tuple[str, str]:
    """The sort key of `text` in French order: ("batir", "Bâtir") sorts before ("bruay", "Bruay")."""
    text = text or ""
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(char for char in decomposed if not unicodedata.combining(char))
    return base.casefold().replace("œ", "oe").replace("æ", "ae"), text
