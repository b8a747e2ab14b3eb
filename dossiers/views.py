from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siae_portal.collation import French
from siae_portal.emails import MailNotSent, portal_url, warn_not_sent
from siae_portal.exports import csv_response
from siae_portal.pagination import LIST_PAGE_SIZE, paginate, querystring_without_page
from siae_portal.uploads import attachment_response
from siae_portal.words import counted

from . import archive
from . import emails as transition_emails
from .calculations import UNCHANGED, diff_snapshots, overall_progress, progress_by_axis
from .forms import (
    AxisCommentForm,
    AxisForm,
    DossierFilterForm,
    ReuseForm,
    StructureFilterForm,
    StructureForm,
    TransitionForm,
)
from .models import AXIS_LABELS, Campaign, Dossier, Network, Structure, structure_ids_in_networks
from .rules import dossier_roles
from .selectors import attach_progress, get_dossier_for_user, get_structure_for_user, startable_dossiers
from .services import (
    AxisConflict,
    TransitionRefused,
    add_axis_comment,
    allowed_transition,
    apply_transition,
    missing_required_answers,
    open_dossier,
    previous_dossier,
    reuse_previous_answers,
    save_axis,
)
from .workflow import available_transitions, transmitted_without_approval


@require_GET
def home(request):
    """The role's home: the structures the user may see, filtered and paginated."""
    scope = request.user.scope
    structures = Structure.objects.visible_to(request.user).prefetch_related(
        Prefetch("networks", queryset=Network.objects.order_by("code"))
    )
    filter_form = StructureFilterForm(data=request.GET or None, user=request.user)
    structures = filter_form.filter(structures).order_by(French("name"), "pk")
    page = paginate(request, structures, LIST_PAGE_SIZE)
    memberships = request.user.memberships.active().select_related("structure", "network")
    return render(
        request,
        "dossiers/home.html",
        {
            "scope": scope,
            "memberships": memberships,
            "filter_form": filter_form,
            "page": page,
            "show_filters": scope.is_admin or scope.is_advisor or scope.is_agent or len(scope.structure_ids) > 5,
            "querystring": querystring_without_page(request),
        },
    )


@require_GET
def structure_detail(request, pk):
    structure = get_structure_for_user(request, pk)
    return render(
        request,
        "dossiers/structure_detail.html",
        {
            "structure": structure,
            "networks": structure.networks.order_by("code"),
            "can_edit": request.user.has_perm("dossiers.change_structure", structure),
        },
    )


@require_http_methods(["GET", "POST"])
def structure_edit(request, pk):
    structure = get_structure_for_user(request, pk, write=True)
    form = StructureForm(
        data=request.POST or None,
        instance=structure,
        can_edit_identity=request.user.has_perm("dossiers.change_structure_identity", structure),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "La fiche de la structure a été enregistrée.")
        return redirect(structure)
    return render(request, "dossiers/structure_edit.html", {"structure": structure, "form": form})


# --- Dossiers -----------------------------------------------------------------------------------


def _axis_or_404(axis):
    if axis not in AXIS_LABELS:
        raise Http404("Cet axe n'existe pas.")
    return axis


def _dossier_context(request, dossier):
    """What every dossier page shows: roles, permissions, progress per axis."""
    roles = dossier_roles(request.user, dossier)
    questions = dossier.questions()
    answers = {a.question_id: a for a in dossier.answers.select_related("question")}
    by_axis = progress_by_axis([(q.pk, q.axis, q.required) for q in questions], set(answers))
    return {
        "dossier": dossier,
        "structure": dossier.structure,
        "campaign": dossier.campaign,
        "roles": roles,
        "can_edit": request.user.has_perm("dossiers.change_dossier", dossier),
        "can_comment": request.user.has_perm("dossiers.comment_dossier", dossier),
        "questions": questions,
        "answers": answers,
        "progress": [(axis, AXIS_LABELS[axis], p) for axis, p in by_axis.items()],
        "overall": overall_progress(by_axis),
    }


@require_POST
def dossier_start(request, structure_pk, year):
    """Open (create on first opening) the structure's dossier for a campaign."""
    structure = get_structure_for_user(request, structure_pk)
    campaign = get_object_or_404(Campaign.objects.opened(), year=year)
    existing = Dossier.objects.visible_to(request.user).filter(structure=structure, campaign=campaign).first()
    if existing is not None:
        return redirect(existing)
    if not request.user.has_perm("dossiers.open_dossier", structure):
        raise PermissionDenied("Seuls les rédacteurs de la structure ouvrent son dossier.")
    dossier, _ = open_dossier(structure, campaign)
    return redirect(dossier)


@require_GET
def dossier_detail(request, pk):
    return _render_detail(request, get_dossier_for_user(request, pk))


def _render_detail(request, dossier, *, posted: tuple[str, TransitionForm] | None = None, reuse_form=None, status=200):
    """The dossier's page; after a refused post, with the form that was posted (`posted`: the
    transition's name and its form, or `reuse_form`) and its errors, what was typed kept."""
    context = _dossier_context(request, dossier)
    transitions = available_transitions(dossier.status, context["roles"])
    comment_counts = {row["axis"]: row["n"] for row in dossier.comments.values("axis").annotate(n=Count("pk"))}
    context["progress"] = [(axis, label, p, comment_counts.get(axis, 0)) for axis, label, p in context["progress"]]
    history = list(dossier.transitions.select_related("actor"))
    context.update(
        {
            "transitions": [
                (t, posted[1] if posted and posted[0] == t.name else TransitionForm(transition=t)) for t in transitions
            ],
            "reuse_form": reuse_form or ReuseForm(),
            "missing": missing_required_answers(dossier) if any(t.needs_complete_answers for t in transitions) else [],
            "has_network": dossier.structure.networks.exists(),
            "history": history,
            "transmitted_unapproved": transmitted_without_approval((s.name, s.from_status) for s in history),
            "snapshots": dossier.snapshots.select_related("created_by").order_by("-number"),
            "previous": previous_dossier(dossier) if context["can_edit"] else None,
            "submission_deadline": dossier.submission_deadline(),
            "review_deadline": dossier.review_deadline(),
        }
    )
    return render(request, "dossiers/dossier_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def dossier_axis(request, pk, axis):
    axis = _axis_or_404(axis)
    dossier = get_dossier_for_user(request, pk, write=request.method == "POST")
    context = _dossier_context(request, dossier)
    questions = [q for q in context["questions"] if q.axis == axis]
    answers = context["answers"]

    def attachment_url(answer):
        return reverse("dossiers:attachment", args=[dossier.pk, answer.pk])

    form = None
    conflict = None
    if context["can_edit"]:
        form = AxisForm(
            data=request.POST or None,
            files=request.FILES or None,
            questions=questions,
            answers=answers,
            version=dossier.axis_version(axis),
            attachment_url=attachment_url,
        )
        if request.method == "POST" and form.is_valid():
            values, files, clears = form.answer_values()
            try:
                save_axis(
                    dossier,
                    axis,
                    request.user,
                    version=form.cleaned_data["version"],
                    values=values,
                    files=files,
                    clears=clears,
                )
            except AxisConflict as error:
                conflict = error
                data = request.POST.copy()
                data["version"] = str(dossier.axis_version(axis))
                answers = {a.question_id: a for a in dossier.answers.select_related("question", "updated_by")}
                form = AxisForm(
                    data=data,
                    questions=questions,
                    answers=answers,
                    version=dossier.axis_version(axis),
                    attachment_url=attachment_url,
                )
                form.is_valid()
            else:
                messages.success(request, f"Axe {axis} enregistré.")
                if "next_axis" in request.POST and axis < 4:
                    return redirect("dossiers:axis", pk=dossier.pk, axis=axis + 1)
                return redirect("dossiers:axis", pk=dossier.pk, axis=axis)
    context.update(
        {
            "axis": axis,
            "axis_label": AXIS_LABELS[axis],
            "crumb": f"Axe {axis}",
            "axis_questions": [(q, answers.get(q.pk)) for q in questions],
            "form": form,
            "conflict": conflict,
            "saved_answers": [(q, answers.get(q.pk)) for q in questions] if conflict else [],
            "axis_comments": dossier.comments.filter(axis=axis).select_related("author"),
            "comment_form": AxisCommentForm() if context["can_comment"] else None,
            "axes": AXIS_LABELS,
        }
    )
    return render(request, "dossiers/dossier_axis.html", context, status=409 if conflict else 200)


@require_POST
def dossier_axis_autosave(request, pk, axis):
    """The axis page's autosave (static/js/autosave.js): the same form, the same version check and
    the same service as the manual save, answered in JSON. Attachments are left to the manual save."""
    axis = _axis_or_404(axis)
    dossier = get_dossier_for_user(request, pk, write=True)
    questions = [q for q in dossier.questions() if q.axis == axis]
    answers = {a.question_id: a for a in dossier.answers.filter(question__axis=axis)}
    form = AxisForm(data=request.POST, questions=questions, answers=answers, version=dossier.axis_version(axis))
    if not form.is_valid():
        errors = {form[name].id_for_label: list(messages_) for name, messages_ in form.errors.items()}
        count = len(errors)
        return JsonResponse(
            {
                "ok": False,
                "message": f"Non enregistré : {counted(count, 'réponse')} à corriger.",
                "errors": errors,
            },
            status=400,
        )
    values, _files, _clears = form.answer_values()
    try:
        version = save_axis(
            dossier, axis, request.user, version=form.cleaned_data["version"], values=values, files={}, clears=set()
        )
    except AxisConflict as conflict:
        return JsonResponse({"ok": False, "conflict": True, "message": conflict.message}, status=409)
    except PermissionDenied:
        return JsonResponse(
            {"ok": False, "message": "Le dossier n'est plus modifiable : rien n'a été enregistré."}, status=403
        )
    saved_at = timezone.localtime().strftime("%H:%M")
    return JsonResponse({"ok": True, "version": version, "saved_at": saved_at, "message": f"Enregistré à {saved_at}"})


@require_POST
def dossier_comment(request, pk, axis):
    axis = _axis_or_404(axis)
    dossier = get_dossier_for_user(request, pk)
    if not request.user.has_perm("dossiers.comment_dossier", dossier):
        raise PermissionDenied("Seuls les conseillers de réseau et les agents DDTEFP commentent un dossier.")
    form = AxisCommentForm(data=request.POST)
    if form.is_valid():
        add_axis_comment(dossier, axis, request.user, form.cleaned_data["text"])
        messages.success(request, "Commentaire publié : la structure le voit à côté de l'axe.")
    else:
        for error in form.errors["text"]:
            messages.error(request, f"{error} Rien n'a été publié.")
    return redirect("dossiers:axis", pk=dossier.pk, axis=axis)


@require_POST
def dossier_transition(request, pk, name):
    dossier = get_dossier_for_user(request, pk)
    # A forged post (another role's action, from another status) is a 403 before any form error.
    transition = allowed_transition(dossier, name, request.user)
    form = TransitionForm(data=request.POST, transition=transition)
    if not form.is_valid():
        # Never applied without the comment that was typed (too long: the user shortens it) or
        # without the confirmation of an irreversible step; the page comes back with both.
        for error in form.errors.get("comment", []):
            messages.error(request, f"Commentaire : {error} Rien n'a été fait.")
        return _render_detail(request, dossier, posted=(name, form), status=400)
    try:
        apply_transition(
            dossier,
            name,
            request.user,
            comment=form.cleaned_data.get("comment", ""),
            base_url=portal_url(request),
        )
    except TransitionRefused as refused:
        for error in refused.errors:
            messages.error(request, error)
        return redirect(dossier)
    except MailNotSent:
        warn_not_sent(request)
        told = ""
    else:
        told = f" ; {transition_emails.told(dossier, name)}"
    dossier.refresh_from_db()
    messages.success(request, f"C'est fait : le dossier est maintenant « {dossier.get_status_display()} »{told}.")
    if not Dossier.objects.visible_to(request.user).filter(pk=dossier.pk).exists():
        return redirect("dossiers:dossier_list")
    return redirect(dossier)


@require_POST
def dossier_reuse(request, pk):
    dossier = get_dossier_for_user(request, pk, write=True)
    form = ReuseForm(data=request.POST)
    if not form.is_valid():
        return _render_detail(request, dossier, reuse_form=form, status=400)
    copied, source = reuse_previous_answers(dossier, request.user)
    if source is None:
        messages.warning(request, "Aucun dossier d'une campagne précédente pour cette structure : rien à reprendre.")
    elif copied:
        messages.success(
            request,
            f"{counted(copied, 'réponse reprise', 'réponses reprises')} du dossier {source.campaign.year}. "
            "Relisez-les : les réponses déjà saisies n'ont pas été modifiées.",
        )
    else:
        messages.info(request, f"Aucune réponse à reprendre du dossier {source.campaign.year} : tout est déjà rempli.")
    return redirect(dossier)


@require_GET
def dossier_attachment(request, pk, answer_pk):
    dossier = get_dossier_for_user(request, pk)
    answer = get_object_or_404(dossier.answers.exclude(attachment=""), pk=answer_pk)
    try:
        handle = answer.attachment.open("rb")
    except (FileNotFoundError, OSError) as missing:
        raise Http404("Fichier introuvable.") from missing
    # Stored as "piece.<checked type>" (services.stored_name): the type comes from the content.
    file_type = answer.attachment.name.rsplit(".", 1)[-1].lower()
    return attachment_response(handle, answer.attachment_name or "piece-jointe", file_type)


@require_GET
def dossier_snapshots(request, pk):
    """What changed between two transmitted versions, question by question."""
    dossier = get_dossier_for_user(request, pk)
    snapshots = list(dossier.snapshots.select_related("created_by").order_by("number"))
    by_id = {str(s.pk): s for s in snapshots}

    def chosen(parameter, default):
        # Only this dossier's versions: any other id (another dossier's, a deleted one) is a 404.
        value = request.GET.get(parameter)
        if not value:
            return default
        if value not in by_id:
            raise Http404("Cette version n'appartient pas à ce dossier.")
        return by_id[value]

    before = chosen("avant", snapshots[-2] if len(snapshots) > 1 else None)
    after = chosen("apres", snapshots[-1] if snapshots else None)
    rows = diff_snapshots(before.answers if before else [], after.answers if after else []) if after else []
    only_changes = request.GET.get("tout") != "1"
    shown = [r for r in rows if r.change != UNCHANGED] if only_changes else rows
    return render(
        request,
        "dossiers/dossier_snapshots.html",
        {
            "dossier": dossier,
            "structure": dossier.structure,
            "snapshots": snapshots,
            "before": before,
            "after": after,
            "rows": shown,
            "changed_count": sum(r.change != UNCHANGED for r in rows),
            "only_changes": only_changes,
            "axes": AXIS_LABELS,
        },
    )


LIST_EXPORT_HEADER = [
    "Campagne",
    "Structure",
    "SIRET",
    "Type",
    "Département",
    "Commune",
    "Statut",
    "En retard",
    "Jours de retard à la transmission",
    "Réponses obligatoires",
    "Progression (%)",
    "Dernière modification",
]


# The page parameter of the advisors' list of structures that have not opened their dossier.
NOT_STARTED_PAGE = "page_sans_dossier"


@require_GET
def dossier_list(request):
    """The dossiers the user may see: a network's structures for the advisor, the transmitted
    dossiers of the département for the agent, its own across campaigns for an SIAE."""
    scope = request.user.scope
    campaigns = list(Campaign.objects.all())
    siae_only = scope.is_siae and not (scope.is_admin or scope.is_advisor or scope.is_agent)
    filter_form = DossierFilterForm(
        data=request.GET or None,
        user=request.user,
        campaigns=campaigns,
        default_campaign=None if siae_only or not campaigns else campaigns[0],
    )
    dossiers = filter_form.filter(
        Dossier.objects.visible_to(request.user).select_related("structure", "campaign").with_approval_flag()
    ).order_by("-campaign__year", French("structure__name"), "pk")
    if request.GET.get("export") == "csv":
        today = timezone.localdate()
        rows = []
        for dossier in attach_progress(dossiers):
            rows.append(
                [
                    dossier.campaign.year,
                    dossier.structure.name,
                    dossier.structure.siret,
                    dossier.structure.kind,
                    dossier.structure.departement,
                    dossier.structure.commune,
                    dossier.get_status_display(),
                    "oui" if dossier.is_flagged_late(today) else "non",
                    dossier.days_late_at_transmission or "",
                    f"{dossier.progress.required_answered}/{dossier.progress.required}",
                    dossier.progress.percent,
                    timezone.localtime(dossier.updated_at).strftime("%d/%m/%Y %H:%M"),
                ]
            )
        campaign = filter_form.selected_campaign()
        filename = f"dossiers-{campaign.year if campaign else 'toutes-campagnes'}.csv"
        return csv_response(filename, LIST_EXPORT_HEADER, rows)
    page = paginate(request, dossiers, LIST_PAGE_SIZE)
    attach_progress(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    export_params = params.copy()
    export_params["export"] = "csv"
    startable = startable_dossiers(request.user) if scope.editor_structure_ids else []
    selected = filter_form.selected_campaign()
    not_started = None
    if scope.network_ids and selected is not None:
        # Advisors also need the structures that have not even opened their dossier: the same
        # filters and search as the list, paginated on their own (a network has hundreds).
        structures = Structure.objects.filter(
            pk__in=structure_ids_in_networks(scope.network_ids), **filter_form.structure_filters()
        ).exclude(dossiers__campaign=selected)
        if filter_form.search_text():
            structures = structures.filter(pk__in=Structure.objects.search(filter_form.search_text()))
        not_started = paginate(
            request,
            structures.order_by(French("name"), "pk").only("pk", "name", "siret", "kind", "departement", "commune"),
            LIST_PAGE_SIZE,
            param=NOT_STARTED_PAGE,
        )
    return render(
        request,
        "dossiers/dossier_list.html",
        {
            "scope": scope,
            "filter_form": filter_form,
            "selected_campaign": filter_form.selected_campaign(),
            "page": page,
            "querystring": params.urlencode(),
            "export_querystring": export_params.urlencode(),
            "startable": startable,
            "not_started": not_started,
            "not_started_param": NOT_STARTED_PAGE,
            "not_started_querystring": querystring_without_page(request, NOT_STARTED_PAGE),
            "show_filters": not siae_only,
            "zip_campaign": selected if selected is not None and archive.may_download(request.user) else None,
        },
    )


@require_GET
def dossier_pdf(request, pk):
    """The dossier's PDF summary: the latest transmitted version for a DDTEFP agent, the current
    answers (or `?version=<snapshot pk>`) for the SIAE and its network."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from . import pdf

    dossier = get_dossier_for_user(request, pk)
    snapshot, snapshots = pdf.printed_version(dossier, request.user, request.GET.get("version"))
    if snapshot is None:
        response = HttpResponse(pdf.render_dossier_pdf(dossier, snapshot, snapshots), content_type="application/pdf")
    else:
        # A transmitted version never changes: its PDF is the one stored at transmission.
        snapshot.dossier = dossier
        with pdf.open_snapshot_pdf(snapshot) as stored:
            response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, pdf.pdf_filename(dossier, snapshot))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def dossier_zip(request, year):
    """The campaign's dossiers that the agent or advisor sees, as one ZIP of PDF summaries with an
    index.csv (dossiers.archive), sent as it is written."""
    from django.http import StreamingHttpResponse
    from django.utils.http import content_disposition_header

    from siae_portal.zipstream import stream_zip

    if not archive.may_download(request.user):
        raise Http404("Cette page est réservée aux conseillers des réseaux et aux agents de la DDTEFP.")
    campaign = get_object_or_404(Campaign, year=year)
    response = StreamingHttpResponse(
        stream_zip(archive.zip_members(request.user, campaign)), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"syntheses-os-{campaign.year}.zip")
    response["Cache-Control"] = "private, no-store"
    return response
