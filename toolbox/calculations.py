"""Pure helpers of the toolbox (no Django import): tags, search words, download names."""

import re
import unicodedata
from urllib.parse import urlsplit

MAX_TAGS = 12
MAX_TAG_LENGTH = 40


def normalize_tags(text: str) -> list[str]:
    """Tags typed as "Recrutement, entretien ; grille" -> ["recrutement", "entretien", "grille"]:
    lower-case, trimmed, single spaces, without duplicates, in the order typed."""
    tags = []
    for raw in re.split(r"[,;\n]", text or ""):
        tag = " ".join(raw.split()).lower()[:MAX_TAG_LENGTH].strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


# The typographic apostrophe that word processors type (’) and its kin read as the straight one.
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'"})


def straight_apostrophes(text: str) -> str:
    """ "Livret d’accueil" -> "Livret d'accueil": both spellings are searched and stored alike."""
    return (text or "").translate(APOSTROPHES)


def singular(word: str) -> str:
    """The plain search's plural folding: a final s or x dropped from words of 4 letters or more
    ("affiches" -> "affiche", "réseaux" -> "réseau"), so that a substring search finds both forms.
    Shorter words ("des", "bus") and words in -ss ("stress") keep theirs."""
    if len(word) >= 4 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def search_words(text: str) -> list[str]:
    """The words of a plain search (SQLite): at least 2 characters, punctuation dropped, the
    elided article before an apostrophe dropped ("d’entretien" -> "entretien"), plurals folded
    (`singular`)."""
    words = []
    for word in re.findall(r"[\w'-]+", straight_apostrophes(text)):
        word = singular(word.strip("'-").rsplit("'", 1)[-1])
        if len(word) >= 2 and word.lower() not in (w.lower() for w in words):
            words.append(word)
    return words[:10]


def strip_accents(text: str) -> str:
    """ "Prévention des risques" -> "Prevention des risques" (for an accent-blind search)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def searchable_text(*parts: str) -> str:
    """Text as the plain search compares it: without accents, in lower case, straight apostrophes
    ("Prévention" -> "prevention")."""
    return straight_apostrophes(strip_accents(" ".join(part for part in parts if part))).lower()


def download_filename(title: str, extension: str) -> str:
    """A safe, readable file name for a download: "Grille d'entretien" + "pdf" -> "grille-d-entretien.pdf"."""
    slug = re.sub(r"[^a-z0-9]+", "-", strip_accents(title).lower()).strip("-")[:80].strip("-") or "ressource"
    return f"{slug}.{extension}" if extension else slug


def human_size(size: int | None) -> str:
    """A size in bytes as French users read it: 1536 -> "1,5 Ko"."""
    if not size:
        return ""
    for unit, factor in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f"\u00a0{unit}"
    return f"{size}\u00a0o"


def origin_of(url: str) -> str:
    """The origin of a link as a Content-Security-Policy source: "https://Outils.org:8443/a?b" ->
    "https://outils.org:8443" (no path, no user name or password)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"
