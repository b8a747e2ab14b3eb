"""Exit records of a structure: list with the year's rates and downloads in the import's format,
add / edit / delete with history, import, and the positionings per prescriber. Readers read;
editors and administrators write."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dossiers.selectors import get_structure_for_user
from siae_portal.collation import French
from siae_portal.exports import csv_response, export_response
from siae_portal.pagination import TABLE_PAGE_SIZE, paginate
from siae_portal.reference import (
    ELIGIBILITY_RULE,
    EXIT_CATEGORIES,
    EXIT_MOTIVES,
    FIRST_YEAR,
    LAST_YEAR,
    PRESCRIBERS,
    TARGET_DURABLE_RATE,
    TARGET_DYNAMIC_RATE,
)

from ..calculations import PrescriberCount, safe_ratio
from ..forms.records import ExitFilterForm, ExitRecordForm, ImportForm, PositioningFormSet
from ..importer import KNOWN_COLUMNS, ImportFailed, export_row, import_exits, text_cell
from ..models import CustomRateDefinition, ExitRecord
from ..reports import build_report, structure_scope
from ..selectors import positioning_counts
from ..services import save_positionings

EXPORT_CHUNK_SIZE = 2000
MAX_ERRORS_SHOWN = 500


def _can_edit(request, structure) -> bool:
    return request.user.has_perm("dossiers.change_structure", structure)


def _get_record(structure, pk):
    return get_object_or_404(structure.exit_records.all(), pk=pk)


@require_GET
def exit_list(request, structure_pk):
    structure = get_structure_for_user(request, structure_pk)
    records = structure.exit_records.all()
    years = sorted({d.year for d in records.dates("exit_date", "year")}, reverse=True)
    filter_form = ExitFilterForm(data=request.GET or None, years=years)
    # A forged filter (?year=abc) is shown as a form error and filters nothing, in the page and its downloads.
    filtered = filter_form.filter(records).order_by("-exit_date", "reference", "pk")
    selected_year = filter_form.cleaned_data.get("year") if filter_form.is_valid() else None
    download = export_response(
        request,
        f"sorties-{structure.siret}-{selected_year or 'toutes'}",
        KNOWN_COLUMNS,
        (export_row(record) for record in filtered.iterator(chunk_size=EXPORT_CHUNK_SIZE)),
        title="Sorties",
        csv_cell=text_cell,
    )
    if download:
        return download
    page = paginate(request, filtered, TABLE_PAGE_SIZE)
    report_year = selected_year or (years[0] if years else None)
    report = None
    if report_year:
        definitions = CustomRateDefinition.objects.visible_to(request.user).active().order_by(French("name"))
        report = build_report(
            [structure.pk], report_year, scope=structure_scope(structure), custom_definitions=definitions
        )
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return render(
        request,
        "indicators/exit_list.html",
        {
            "structure": structure,
            "filter_form": filter_form,
            "page": page,
            "querystring": params.urlencode(),
            "can_edit": _can_edit(request, structure),
            "report": report,
            "report_year": report_year,
            "positionings_year": report_year or timezone.localdate().year,
            "targets": {"dynamic": TARGET_DYNAMIC_RATE, "durable": TARGET_DURABLE_RATE},
            "eligibility_rule": ELIGIBILITY_RULE,
        },
    )


@require_GET
def exit_detail(request, structure_pk, pk):
    structure = get_structure_for_user(request, structure_pk)
    record = _get_record(structure, pk)
    history = list(record.history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    # Each entry is compared with the one before it in the list already fetched: no query per entry.
    # A record loaded in bulk (seed, national loader) may have no history at all: the page says so.
    for entry, previous in zip(history, [*history[1:], None][: len(history)], strict=True):
        changes = []
        if previous is not None and entry.history_type == "~":
            changes = [
                str(ExitRecord._meta.get_field(change.field).verbose_name)
                for change in entry.diff_against(previous).changes
                if change.field not in ("updated_at", "eligible_from")
            ]
        entries.append({"entry": entry, "changes": changes})
    return render(
        request,
        "indicators/exit_detail.html",
        {"structure": structure, "record": record, "history": entries, "can_edit": _can_edit(request, structure)},
    )


@require_http_methods(["GET", "POST"])
def exit_create(request, structure_pk):
    structure = get_structure_for_user(request, structure_pk, write=True)
    return _exit_form(request, structure, None, "La sortie {} a été enregistrée.")


@require_http_methods(["GET", "POST"])
def exit_edit(request, structure_pk, pk):
    structure = get_structure_for_user(request, structure_pk, write=True)
    return _exit_form(request, structure, _get_record(structure, pk), "La sortie {} a été mise à jour.")


def _exit_form(request, structure, record, success_message):
    """The exit form, empty (`record` None) or on `record`; saved, it leads to the exit's page."""
    form = ExitRecordForm(data=request.POST or None, instance=record, structure=structure)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, success_message.format(saved.reference))
        return redirect("indicators:exit_detail", structure.pk, saved.pk)
    return render(request, "indicators/exit_form.html", {"structure": structure, "form": form, "record": record})


@require_http_methods(["GET", "POST"])
def exit_delete(request, structure_pk, pk):
    structure = get_structure_for_user(request, structure_pk, write=True)
    record = _get_record(structure, pk)
    if request.method == "POST":
        reference = record.reference
        record.delete()  # simple_history keeps a "deleted" entry
        messages.success(request, f"La sortie {reference} a été supprimée.")
        return redirect("indicators:exit_list", structure.pk)
    return render(request, "indicators/exit_confirm_delete.html", {"structure": structure, "record": record})


@require_http_methods(["GET", "POST"])
def exit_import(request, structure_pk):
    structure = get_structure_for_user(request, structure_pk, write=True)
    form = ImportForm(data=request.POST or None, files=request.FILES or None)
    failure = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_exits(structure, upload.read(), upload.name, user=request.user)
        except ImportFailed as error:
            failure = error
        else:
            messages.success(request, "Import réussi. " + result.summary())
            return redirect("indicators:exit_list", structure.pk)
    categories = dict(EXIT_CATEGORIES)
    return render(
        request,
        "indicators/exit_import.html",
        {
            "structure": structure,
            "form": form,
            "failure": failure,
            "errors_shown": failure.errors[:MAX_ERRORS_SHOWN] if failure else [],
            "required_columns": ["reference", "date_entree", "date_sortie", "motif_sortie"],
            "motives": [(motive, categories[motive.category]) for motive in EXIT_MOTIVES],
        },
    )


@require_GET
def import_template(request, structure_pk):
    """A ready-to-fill CSV (`;`, UTF-8 with BOM, as Excel opens it in France) with every column."""
    structure = get_structure_for_user(request, structure_pk)
    example = [
        "S-2009-001",
        "05/01/2009",
        "30/09/2009",
        "Embauche en CDI non aidé",
        "820,5",
        "Pôle emploi",
        "oui",
        "35,5",
        "4",
        "1",
        "2",
        "",
        "cdi_non_aide",
        "",
        "oui",
    ]
    return csv_response(f"modele-sorties-{structure.siret}.csv", KNOWN_COLUMNS, [example])


@require_http_methods(["GET", "POST"])
def positionings(request, structure_pk, year):
    """The year's table of people positioned and hired per prescriber, edited as one formset."""
    structure = get_structure_for_user(request, structure_pk)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(f"L'année {year} est hors de la plage acceptée ({FIRST_YEAR} à {LAST_YEAR}).")
    can_edit = _can_edit(request, structure)
    if request.method == "POST" and not can_edit:
        get_structure_for_user(request, structure_pk, write=True)  # raises the 403
    existing = positioning_counts([structure.pk], [year]).get(year, {})
    counts = [PrescriberCount(code, *existing.get(code, (0, 0))) for code, _ in PRESCRIBERS]
    initial = [count._asdict() for count in counts]
    formset = PositioningFormSet(data=request.POST or None, initial=initial, prefix="positionings")
    if request.method == "POST" and formset.is_valid():
        rows = (form.cleaned_data for form in formset)
        save_positionings(structure, year, {row["prescriber"]: (row["positioned"], row["hired"]) for row in rows})
        messages.success(request, f"Les positionnements {year} ont été enregistrés.")
        return redirect(reverse("indicators:positionings", args=[structure.pk, year]))
    rows = [
        {
            "form": form,
            "label": count.label,
            "positioned": count.positioned,
            "hired": count.hired,
            "ratio": count.ratio,
        }
        for form, count in zip(formset, counts, strict=True)
    ]
    total_positioned = sum(r["positioned"] for r in rows)
    total_hired = sum(r["hired"] for r in rows)
    return render(
        request,
        "indicators/positionings.html",
        {
            "structure": structure,
            "year": year,
            "formset": formset,
            "rows": rows,
            "can_edit": can_edit,
            "total_positioned": total_positioned,
            "total_hired": total_hired,
            "total_ratio": safe_ratio(total_hired, total_positioned),
            "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
        },
    )
