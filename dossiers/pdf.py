"""The PDF summary of a dossier, read by DDTEFP agents before the dialogue de gestion.

Agents print what was transmitted (a frozen snapshot), never the live draft; SIAE staff and
advisors print the current answers or a transmitted version of their choice."""

import re

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from .calculations import overall_progress, progress_by_axis
from .models import AXIS_LABELS, Dossier, Snapshot
from .rules import dossier_roles
from .services import answer_items
from .workflow import ADVISOR

TEMPLATE = "dossiers/dossier_pdf.html"


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
    comments = {axis: [] for axis in AXIS_LABELS}
    for comment in dossier.comments.select_related("author"):
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
        "snapshot_count": len(snapshots),
        "axes": axes,
        "overall": overall_progress(by_axis),
        "missing_count": missing,
        "history": dossier.transitions.select_related("actor").order_by("created_at", "pk"),
        "printed_at": timezone.now(),
    }


def render_summary_html(dossier: Dossier, snapshot: Snapshot | None, snapshots: list[Snapshot]) -> str:
    return render_to_string(TEMPLATE, summary_context(dossier, snapshot, snapshots))


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a self-contained HTML page. Nothing is fetched: user text cannot make the
    server read a file or call a URL; only inline data: resources (SVG charts) are allowed."""
    from weasyprint import HTML, URLFetcher  # a 0.8 s import: only paid by the first PDF

    # Tagged PDF (headings, tables, reading order) for screen readers: about 50 ms more.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf(pdf_tags=True)


def render_dossier_pdf(dossier: Dossier, snapshot: Snapshot | None = None, snapshots=None) -> bytes:
    if snapshots is None:
        snapshots = list(dossier.snapshots.select_related("created_by").order_by("number"))
    return html_to_pdf(render_summary_html(dossier, snapshot, snapshots))


def pdf_filename(dossier: Dossier, snapshot: Snapshot | None) -> str:
    """E.g. synthese-os-2009-nord-recyclage.pdf, -v2 for transmitted version 2."""
    readable = re.sub(r"['’]", " ", dossier.structure.name).replace("œ", "oe").replace("Œ", "Oe")
    name = slugify(readable)[:60].strip("-") or f"dossier-{dossier.pk}"
    version = f"-v{snapshot.number}" if snapshot is not None else ""
    return f"synthese-os-{dossier.campaign.year}-{name}{version}.pdf"
