"""toolbox.json: the starting catalogue of the toolbox, the "boîte à outils" listed at the end of
the seed document (URIAE, COORACE, UNAI and CHANTIER école resources, economic tools, audits),
plus a few tools shared by demo structures ("catalogue", published) and proposals waiting for
moderation or refused ("proposals"). Idempotent: keyed by title.

A resource is a link (`url`) or a small generated file: `pdf` (its lines), `posters` (one page per
poster) or `xlsx` (`header` and `rows` of a model to fill). Links point at example.org addresses,
never at real sites."""

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from siae_portal.reference import STRUCTURE_KINDS
from toolbox.calculations import download_filename
from toolbox.models import Resource

from .generators import demo_pdf, demo_xlsx
from .seeding import DEMO_ADVISOR, check, json_document, json_objects, one_of

DESCRIPTION = ["title", "summary", "axis", "category", "tags"]
CONTENTS = ["url", "pdf", "posters", "xlsx"]
ALL_KINDS = [code for code, _ in STRUCTURE_KINDS]


def load(seeding, path):
    document = json_document(path, required=["catalogue", "proposals"])
    catalogue = json_objects(
        path,
        document["catalogue"],
        key="catalogue",
        required=DESCRIPTION,
        optional=["network", "structure", "kinds", "restricted_to", *CONTENTS],
    )
    proposals = json_objects(
        path,
        document["proposals"],
        key="proposals",
        required=[*DESCRIPTION, "structure", "proposed_by"],
        optional=["kinds", "rejection_reason"],
    )
    rng = random.Random(5)
    now = timezone.now()
    advisor = User.objects.filter(email=DEMO_ADVISOR).first()
    existing = set(Resource.objects.values_list("title", flat=True))
    created = 0
    for index, entry in enumerate(catalogue):
        # The catalogue grew one resource every three days, the first one the oldest.
        days_ago = len(catalogue) * 3 - index * 3
        resource, content = _described(seeding, path, entry), _content(path, entry)
        if "restricted_to" in entry:
            resource.restricted_to = one_of(entry, path, "restricted_to", seeding.networks, "réseau inconnu")
        resource.url = entry.get("url", "")
        _check(resource, entry, path)
        if resource.title in existing:
            continue
        resource.status = Resource.Status.PUBLISHED
        resource.proposed_at = now - timedelta(days=days_ago + 2)
        resource.moderated_at = resource.published_at = now - timedelta(days=days_ago)
        resource.download_count = rng.randrange(0, 120)
        if resource.provider_structure:
            resource.proposed_by = User.objects.filter(memberships__structure=resource.provider_structure).first()
            resource.moderated_by = advisor
        if content != "url":
            _attach(resource, content, entry[content])
        resource.save()
        created += 1
    for entry in proposals:
        resource = _described(seeding, path, entry)
        resource.proposed_by = User.objects.filter(email=entry["proposed_by"]).first()
        if resource.proposed_by is None:
            raise entry.error(path, f"compte inconnu « {entry['proposed_by']} » (proposed_by).")
        resource.proposed_at = now - timedelta(days=1)
        if entry.get("rejection_reason"):
            resource.status = Resource.Status.REJECTED
            resource.rejection_reason = entry["rejection_reason"]
            resource.moderated_by = advisor
            resource.moderated_at = now - timedelta(hours=3)
        _check(resource, entry, path)
        if resource.title in existing:
            continue
        # A proposal's file is its summary as a PDF.
        _attach(resource, "pdf", [resource.summary])
        resource.save()
        created += 1
    seeding.stdout.write(f"Boîte à outils : {created} ressources ajoutées ({Resource.objects.count()} au total).")


def _described(seeding, path, entry) -> Resource:
    """The resource with its description and provider (a network code or a demo structure)."""
    resource = Resource(**{key: entry[key] for key in DESCRIPTION})
    kinds = entry.get("kinds", ALL_KINDS)
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= set(ALL_KINDS):
        raise entry.error(path, f"« kinds » est une liste non vide de types parmi {', '.join(ALL_KINDS)}.")
    resource.kinds = kinds
    providers = [key for key in ("network", "structure") if key in entry]
    if len(providers) != 1:
        raise entry.error(path, "le fournisseur est soit un réseau (« network »), soit une structure (« structure »).")
    if providers == ["network"]:
        resource.provider_network = one_of(entry, path, "network", seeding.networks, "réseau inconnu")
    else:
        resource.provider_structure = one_of(entry, path, "structure", seeding.structures, "structure inconnue")
    return resource


def _content(path, entry) -> str:
    """Which of CONTENTS the entry gives (exactly one), its shape checked."""
    given = [key for key in CONTENTS if key in entry]
    if len(given) != 1:
        raise entry.error(path, f"une ressource a un et un seul contenu parmi {', '.join(CONTENTS)}.")
    kind, payload = given[0], entry[given[0]]
    if kind == "xlsx":
        shaped = isinstance(payload, dict) and set(payload) == {"header", "rows"}
        rows = payload["rows"] if shaped and isinstance(payload["rows"], list) else [None]
        if not shaped or not _lines(payload["header"]) or not all(_lines(row) for row in rows):
            raise entry.error(path, '« xlsx » est un objet {"header": [textes], "rows": [[textes], ...]}.')
    elif kind != "url" and not _lines(payload):
        raise entry.error(path, f"« {kind} » est une liste de lignes de texte.")
    return kind


def _lines(value) -> bool:
    return isinstance(value, list) and all(isinstance(line, str) for line in value)


def _check(resource, entry, path):
    # The file is made only for a new resource: the constraints (a file or a link) are left to the database.
    check(resource, entry, path, exclude=["file"], validate_unique=False, validate_constraints=False)


def _attach(resource, kind, payload):
    """Make the resource's small file: a PDF of lines, one page per poster, or an XLSX model."""
    title = resource.title
    if kind == "xlsx":
        data, extension = demo_xlsx(title, payload["header"], payload["rows"]), "xlsx"
    else:
        posters = [(f"Affiche {n} / {len(payload)}", [name]) for n, name in enumerate(payload, 1)]
        data, extension = demo_pdf(posters if kind == "posters" else [(title, payload)]), "pdf"
    resource.file = ContentFile(data, name=download_filename(title, extension))
    resource.file_type, resource.file_size = extension, len(data)
