"""A campaign's dossiers in one ZIP (`/dossiers/campagnes/<year>/dossiers.zip`): the PDF summary of
every dossier the user sees at that stage, and an `index.csv` of them.

Agents get the transmitted dossiers of their département (transmitted, complement requested,
received complete: `Dossier.objects.visible_to`), advisors those of their network that are
approved or transmitted. A transmitted dossier's PDF is its latest snapshot's stored file
(`pdf.open_snapshot_pdf`, rendered on the spot only if missing); an approved one, never frozen,
is rendered from its current answers (it cannot change while approved). The selection, the
rates and the objectives are read in a fixed number of queries whatever the number of dossiers;
the files are read one by one while the archive is sent (siae_portal.zipstream)."""

import io
from dataclasses import dataclass
from functools import partial

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from conventions.selectors import objective_results
from indicators.calculations import OFFICIAL, URIAE, Rate, compute_rate
from indicators.selectors import motive_counts
from siae_portal.collation import French
from siae_portal.exports import csv_bytes

from . import pdf
from .models import Campaign, Dossier, Snapshot
from .workflow import AGENT_VISIBLE_STATUSES, APPROVED

INDEX_NAME = "index.csv"


def may_download(user) -> bool:
    """Agents, advisors and administrators: the others do not have this page (404)."""
    scope = user.scope
    return scope.is_admin or scope.is_agent or scope.is_advisor


def archived_statuses(user) -> frozenset:
    """Transmitted dossiers for everyone; approved ones too for advisors (and administrators)."""
    scope = user.scope
    return AGENT_VISIBLE_STATUSES | ({APPROVED} if scope.is_admin or scope.is_advisor else set())


def archived_dossiers(user, campaign: Campaign) -> list[Dossier]:
    """The campaign's dossiers of the ZIP, in structure order, each with `latest_snapshot` (None
    when never transmitted), its answers not loaded. Two queries."""
    latest = Snapshot.objects.filter(dossier=OuterRef("pk")).order_by("-number").values("pk")[:1]
    dossiers = list(
        Dossier.objects.visible_to(user)
        .filter(campaign=campaign, status__in=archived_statuses(user))
        .select_related("structure", "campaign")
        .annotate(latest_snapshot_id=Subquery(latest))
        .order_by(French("structure__name"), "pk")
    )
    ids = [d.latest_snapshot_id for d in dossiers if d.latest_snapshot_id]
    snapshots = (
        {s.pk: s for s in Snapshot.objects.filter(pk__in=ids).defer("answers").select_related("created_by")}
        if ids
        else {}
    )
    for dossier in dossiers:
        dossier.latest_snapshot = snapshots.get(dossier.latest_snapshot_id)
        if dossier.latest_snapshot is not None:
            dossier.latest_snapshot.dossier = dossier
    return dossiers


# --- The index --------------------------------------------------------------------------------------


def rate_cell(rate: Rate) -> str:
    """A rate as French spreadsheets read it ("58,8", in %), empty without a denominator."""
    return "" if rate.rate is None else f"{rate.rate * 100:.1f}".replace(".", ",")


def objectives_cells(results) -> tuple[str, str]:
    """(reached or not, the detail) of a structure's agreed objectives (`ObjectiveResult`s):
    "oui" when all are reached, "non" when one is missed (even within the one-exit margin),
    "pas encore mesurables" otherwise; "sans objectif convenu" without any."""
    if not results:
        return "sans objectif convenu", ""
    if any(r.reached is False for r in results):
        reached = "non"
    elif all(r.reached for r in results):
        reached = "oui"
    else:
        reached = "pas encore mesurables"
    return reached, " ; ".join(f"{r.definition} : {r.status_label}" for r in results)


def index_header(exits_year: int) -> list[str]:
    return [
        "Structure",
        "SIRET",
        "Type",
        "Département",
        "Statut",
        "Transmis le",
        f"Taux de sortie dynamique officiel {exits_year} (%)",
        f"Taux de sortie dynamique URIAE {exits_year} (%)",
        f"Objectifs {exits_year} atteints",
        f"Objectifs {exits_year}",
        "Fichier PDF",
    ]


@dataclass(frozen=True)
class Entry:
    dossier: Dossier
    filename: str  # of its PDF in the archive, "" when it has none (never transmitted nor approved)


def _entries(dossiers: list[Dossier]) -> list[Entry]:
    used, entries = set(), []
    for dossier in dossiers:
        filename = ""
        if dossier.latest_snapshot is not None or dossier.status == APPROVED:
            filename = pdf.pdf_filename(dossier, dossier.latest_snapshot)
            if filename in used:  # two structures of the same name
                filename = filename.removesuffix(".pdf") + f"-{dossier.pk}.pdf"
            used.add(filename)
        entries.append(Entry(dossier, filename))
    return entries


def index_csv(entries: list[Entry], exits_year: int) -> bytes:
    """index.csv: one row per dossier, rates and objectives of `exits_year` (three queries)."""
    structure_ids = [e.dossier.structure_id for e in entries]
    counts = motive_counts(structure_ids, exits_year, exits_year, "structure") if structure_ids else {}
    objectives = objective_results(structure_ids, exits_year) if structure_ids else {}
    rows = []
    for entry in entries:
        dossier, structure = entry.dossier, entry.dossier.structure
        by_motive = counts.get((structure.pk,), {})
        reached, detail = objectives_cells(objectives.get(structure.pk, []))
        submitted = timezone.localtime(dossier.submitted_at).strftime("%d/%m/%Y") if dossier.submitted_at else ""
        rows.append(
            [
                structure.name,
                structure.siret,
                structure.kind,
                structure.departement,
                dossier.get_status_display(),
                submitted,
                rate_cell(compute_rate(by_motive, OFFICIAL)),
                rate_cell(compute_rate(by_motive, URIAE)),
                reached,
                detail,
                entry.filename,
            ]
        )
    return csv_bytes(index_header(exits_year), rows)


# --- The archive ------------------------------------------------------------------------------------


def _live_pdf(dossier: Dossier):
    return io.BytesIO(pdf.render_dossier_pdf(dossier, None))


def zip_members(user, campaign: Campaign) -> list:
    """The members of the campaign's ZIP for `user` (siae_portal.zipstream.Member): index.csv, then
    one PDF per dossier that has one. Reads the database now; the PDFs are opened when sent."""
    exits_year = campaign.indicator_years[-1]  # the year before the campaign: its last full year of exits
    entries = _entries(archived_dossiers(user, campaign))
    index = index_csv(entries, exits_year)
    members = [(INDEX_NAME, timezone.localtime(), partial(io.BytesIO, index))]
    for entry in entries:
        if not entry.filename:
            continue
        snapshot = entry.dossier.latest_snapshot
        if snapshot is not None:
            members.append(
                (entry.filename, timezone.localtime(snapshot.created_at), partial(pdf.open_snapshot_pdf, snapshot))
            )
        else:
            members.append((entry.filename, timezone.localtime(), partial(_live_pdf, entry.dossier)))
    return members
