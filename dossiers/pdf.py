"""The PDF summary of a dossier, read by DDTEFP agents before the dialogue de gestion.

Agents print what was transmitted (a frozen snapshot), never the live draft; SIAE staff and
advisors print the current answers or a transmitted version of their choice."""

import hashlib
import logging
import re

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from siae_portal import pdf_process

from .calculations import overall_progress, progress_by_axis
from .models import AXIS_LABELS, Dossier, Snapshot, snapshot_pdf_name
from .rules import dossier_roles
from .services import answer_items
from .workflow import ADVISOR, STATUS_LABELS, transmitted_without_approval

TEMPLATE = "dossiers/dossier_pdf.html"
logger = logging.getLogger(__name__)


def sees_current_answers(user, dossier: Dossier) -> bool:
    """SIAE staff (editors and readers), the structure's network advisors and administrators
    may print the live answers; an agent only ever prints what was transmitted."""
    scope = user.scope
    return scope.is_admin or dossier.structure_id in scope.structure_ids or ADVISOR in dossier_roles(user, dossier)


def printed_version(dossier: Dossier, user, requested: str | None) -> tuple[Snapshot | None, list[Snapshot]]:
    """(the snapshot to print, None for the current answers; every snapshot of the dossier), in
    one query. `requested` is a snapshot pk from `?version=`: one of another dossier, or
    anything else that is not a snapshot of this one, is a 404."""
    snapshots = list(dossier.snapshots.select_related("created_by").order_by("number"))
    if requested:
        chosen = next((s for s in snapshots if str(s.pk) == requested.strip()), None)
        if chosen is None:
            raise Http404("Cette version n'existe pas pour ce dossier.")
        return chosen, snapshots
    if sees_current_answers(user, dossier):
        return None, snapshots
    if not snapshots:
        raise Http404("Ce dossier n'a aucune version transmise à imprimer.")
    return snapshots[-1], snapshots


def _is_answered(item) -> bool:
    return bool(item.get("value") or item.get("file_name"))


def summary_context(dossier: Dossier, snapshot: Snapshot | None, snapshots: list[Snapshot]) -> dict:
    """Everything the print template shows, in a fixed number of queries whatever the number of
    questions: questions, answers (current version only), networks, comments, history."""
    structure = dossier.structure
    if snapshot is None:
        items = answer_items(dossier)
    else:
        # Older snapshots did not freeze "required": take it from the campaign's questionnaire.
        required = {q.pk: q.required for q in dossier.campaign.questions.all()}
        items = [
            {**item, "required": item.get("required", required.get(item.get("question_id"), False))}
            for item in snapshot.answers
        ]
    by_axis = progress_by_axis(
        [(index, item["axis"], item["required"]) for index, item in enumerate(items)],
        {index for index, item in enumerate(items) if _is_answered(item)},
    )
    # A snapshot is printed as it was transmitted (its stored PDF never changes): the comments and
    # the history up to its transmission, the status and version count of that moment.
    frozen_at = snapshot.created_at if snapshot is not None else None
    comments = {axis: [] for axis in AXIS_LABELS}
    comment_rows = dossier.comments.select_related("author")
    history = dossier.transitions.select_related("actor").order_by("created_at", "pk")
    if frozen_at is not None:
        comment_rows = comment_rows.filter(created_at__lte=frozen_at)
        history = list(history.filter(created_at__lte=frozen_at))
    for comment in comment_rows:
        comments[comment.axis].append(comment)
    axes = []
    for axis, label in AXIS_LABELS.items():
        sections = {}
        for item in items:
            if item["axis"] == axis:
                sections.setdefault(item["section"], []).append({**item, "answered": _is_answered(item)})
        axes.append(
            {
                "number": axis,
                "label": label,
                "progress": by_axis[axis],
                "sections": list(sections.items()),
                "comments": comments[axis],
            }
        )
    missing = sum(1 for item in items if item["required"] and not _is_answered(item))
    return {
        "dossier": dossier,
        "structure": structure,
        "campaign": dossier.campaign,
        "networks": list(structure.networks.order_by("code")),
        "snapshot": snapshot,
        "snapshot_count": len(snapshots) if snapshot is None else snapshot.number,
        "status_label": (
            dossier.get_status_display()
            if snapshot is None or not history
            else STATUS_LABELS.get(history[-1].to_status, history[-1].to_status)
        ),
        "submitted_at": dossier.submitted_at if snapshot is None else snapshot.created_at,
        "axes": axes,
        "overall": overall_progress(by_axis),
        "missing_count": missing,
        "history": history,
        "transmitted_unapproved": transmitted_without_approval((step.name, step.from_status) for step in history),
        "printed_at": timezone.now() if snapshot is None else snapshot.created_at,
    }


def render_summary_html(dossier: Dossier, snapshot: Snapshot | None, snapshots: list[Snapshot]) -> str:
    return render_to_string(TEMPLATE, summary_context(dossier, snapshot, snapshots))


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a self-contained HTML page, composed in the low-priority PDF process
    (siae_portal.pdf_process)."""
    return pdf_process.html_to_pdf(html)


# A summary of the current answers is composed again only when what it shows has changed: its PDF
# is kept this long under the fingerprint of its HTML (WeasyPrint takes 0.5 to 1.5 s of CPU, during
# which the worker's other requests wait; the HTML takes a few milliseconds).
DRAFT_PDF_CACHE_SECONDS = 3600


def render_dossier_pdf(dossier: Dossier, snapshot: Snapshot | None = None, snapshots=None) -> bytes:
    """The PDF summary of `snapshot`, or of the current answers when None. The current answers'
    PDF comes from the cache when one was composed from the same HTML (all but the time it was
    composed, which it keeps: the answers have not changed since)."""
    if snapshots is None:
        # A snapshot's summary needs no other version (it counts its own number).
        snapshots = [] if snapshot is not None else list(dossier.snapshots.select_related("created_by"))
    context = summary_context(dossier, snapshot, snapshots)
    if snapshot is not None:
        return html_to_pdf(render_to_string(TEMPLATE, context))
    fingerprint = hashlib.sha256(render_to_string(TEMPLATE, {**context, "printed_at": None}).encode()).hexdigest()
    key = f"dossier-pdf:{dossier.pk}:{fingerprint}"
    content = cache.get(key)
    if content is None:
        content = html_to_pdf(render_to_string(TEMPLATE, context))
        cache.set(key, content, DRAFT_PDF_CACHE_SECONDS)
    return content


def _storage():
    return Snapshot._meta.get_field("pdf").storage


def _name(snapshot: Snapshot) -> str:
    return snapshot.pdf.name or snapshot_pdf_name(snapshot.dossier_id, snapshot.number)


def store_snapshot_pdf(snapshot: Snapshot, content: bytes | None = None) -> bytes | None:
    """Render `snapshot`'s PDF summary (or take `content`) and store it under its name, unless a file
    is stored there already (a snapshot never changes). Writes no database row. Returns the bytes
    rendered, None when the file was already there."""
    storage, name = _storage(), _name(snapshot)
    if storage.exists(name):
        return None
    if content is None:
        content = render_dossier_pdf(snapshot.dossier, snapshot, None)
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        # Another worker or download stored it meanwhile (the storage picked another name): keep theirs.
        storage.delete(saved)
    return content


def open_snapshot_pdf(snapshot: Snapshot):
    """The stored PDF of `snapshot`, opened for reading (a file object); a missing file is
    rendered now, stored, and returned as an in-memory file."""
    storage, name = _storage(), _name(snapshot)
    if storage.exists(name):
        return storage.open(name, "rb")
    logger.info("Synthèse PDF de la version %s absente : rendue à la demande", snapshot.pk)
    content = store_snapshot_pdf(snapshot)
    if content is None:  # stored in between
        return storage.open(name, "rb")
    return ContentFile(content, name=name)


def pdf_filename(dossier: Dossier, snapshot: Snapshot | None) -> str:
    """E.g. synthese-os-2009-nord-recyclage.pdf, -v2 for transmitted version 2."""
    readable = re.sub(r"['’]", " ", dossier.structure.name).replace("œ", "oe").replace("Œ", "Oe")
    name = slugify(readable)[:60].strip("-") or f"dossier-{dossier.pk}"
    version = f"-v{snapshot.number}" if snapshot is not None else ""
    return f"synthese-os-{dossier.campaign.year}-{name}{version}.pdf"
