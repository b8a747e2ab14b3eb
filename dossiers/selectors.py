from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Window
from django.shortcuts import get_object_or_404
from django.utils.timezone import localdate

from siae_portal.collation import French
from siae_portal.reference import DEPARTEMENTS

from . import workflow
from .calculations import overall_progress, progress_by_axis
from .models import Answer, Campaign, Dossier, Question, Structure, structure_ids_in_networks


def get_structure_for_user(request, pk, *, write=False):
    """The structure if the user may see it (404 otherwise); with `write`, 403 unless it may edit it."""
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    if write and not request.user.has_perm("dossiers.change_structure", structure):
        raise PermissionDenied("Vous ne pouvez pas modifier cette structure.")
    return structure


def departements_in_scope(user) -> list[str]:
    """The départements a user's filters offer, in the official order: all of them for an
    administrator, an agent's own, and the départements of the structures the user sees through a
    network or a membership of SIAE staff (one query, none for an administrator or a mere agent)."""
    scope = user.scope
    if scope.is_admin:
        return list(DEPARTEMENTS)
    codes = set(scope.departements)
    if scope.structure_ids or scope.network_ids:
        structures = Structure.objects.visible_to(user).order_by()
        codes.update(structures.values_list("departement", flat=True).distinct())
    return [code for code in DEPARTEMENTS if code in codes]


def get_dossier_for_user(request, pk, *, write=False):
    """The dossier if the user may see it (404 otherwise); with `write`, 403 unless it may edit its
    answers now (SIAE editor, dossier in an editable state)."""
    dossier = get_object_or_404(
        Dossier.objects.visible_to(request.user).select_related("structure", "campaign"), pk=pk
    )
    if write and not request.user.has_perm("dossiers.change_dossier", dossier):
        raise PermissionDenied("Vous ne pouvez pas modifier ce dossier.")
    return dossier


def answered_question_ids(dossier_ids) -> dict[int, set]:
    """{dossier id: ids of its answered questions}, in one query."""
    result = {pk: set() for pk in dossier_ids}
    for dossier_id, question_id in Answer.objects.filter(dossier_id__in=list(dossier_ids)).values_list(
        "dossier_id", "question_id"
    ):
        result[dossier_id].add(question_id)
    return result


def attach_progress(dossiers):
    """Set `dossier.progress` (overall AxisProgress) on each dossier of a list, in two queries
    whatever the number of dossiers (questions of their campaigns, and their answers)."""
    dossiers = list(dossiers)
    campaign_ids = {d.campaign_id for d in dossiers}
    questions = {}
    for question in Question.objects.filter(campaign_id__in=campaign_ids).only(
        "pk", "campaign_id", "axis", "required", "kinds"
    ):
        questions.setdefault(question.campaign_id, []).append(question)
    answered = answered_question_ids([d.pk for d in dossiers])
    for dossier in dossiers:
        applicable = [
            (q.pk, q.axis, q.required)
            for q in questions.get(dossier.campaign_id, [])
            if q.applies_to(dossier.structure.kind)
        ]
        dossier.progress = overall_progress(progress_by_axis(applicable, answered[dossier.pk]))
    return dossiers


def startable_dossiers(user):
    """(structure, campaign) pairs: the latest opened campaign, for each structure the user edits
    that has not opened its dossier for it yet."""
    latest = Campaign.objects.opened().first()
    if latest is None or not user.scope.editor_structure_ids:
        return []
    structures = (
        Structure.objects.filter(pk__in=user.scope.editor_structure_ids)
        .exclude(dossiers__campaign=latest)
        .order_by(French("name"))
    )
    return [(structure, latest) for structure in structures]


def awaiting_review(user):
    """The dossiers in review in the user's networks: its « À faire » panel and its review reminders."""
    return Dossier.objects.visible_to(user).filter(
        structure_id__in=structure_ids_in_networks(user.scope.network_ids), status=workflow.IN_REVIEW
    )


# --- The « À faire » panel of the home page ------------------------------------------------------

# Lines shown per part of the panel; beyond, a link to the full list.
TODO_SHOWN = 10


@dataclass(frozen=True)
class TodoItem:
    dossier: Dossier
    kind: str  # "changes", "complement", "transmit" (SIAE), "review" (advisor), "acknowledge" (agent)
    can_act: bool  # False for a reader: the line says the state, without an action verb
    countdown: str = ""  # "J-5" when the deadline at stake is close, "J+2" once passed
    late: bool = False


@dataclass(frozen=True)
class TodoPart:
    items: list
    total: int
    more_url: str = ""


def _fetch(queryset) -> tuple[list, int]:
    """The first TODO_SHOWN rows and their total, in one query (a window count)."""
    rows = list(queryset.annotate(todo_total=Window(Count("pk")))[:TODO_SHOWN])
    return rows, rows[0].todo_total if rows else 0


def todo_for(user, today=None) -> dict[str, TodoPart]:
    """What awaits the user, by role (keys "siae", "reviews", "acknowledgements", only the roles it
    holds), at most one query per role whatever the number of dossiers. Read through
    `Dossier.objects.visible_to`, restricted to the user's own memberships (an administrator's
    panel holds only what its memberships give it)."""
    from django.urls import reverse

    from .calculations import TODO_DEADLINE_DAYS, countdown

    today = today or localdate()
    scope = user.scope
    visible = Dossier.objects.visible_to(user).select_related("structure", "campaign")
    parts = {}
    if scope.structure_ids:
        soon = today + timedelta(days=TODO_DEADLINE_DAYS)
        rows, total = _fetch(
            visible.filter(structure_id__in=scope.structure_ids)
            .filter(
                Q(status__in=[workflow.CHANGES_REQUESTED, workflow.COMPLEMENT_REQUESTED, workflow.APPROVED])
                | Q(status=workflow.DRAFT, campaign__submission_deadline__lte=soon)
            )
            .order_by("campaign__submission_deadline", French("structure__name"), "pk")
        )
        kinds = {
            workflow.CHANGES_REQUESTED: "changes",
            workflow.COMPLEMENT_REQUESTED: "complement",
            workflow.APPROVED: "transmit",
            workflow.DRAFT: "transmit",
        }
        items = []
        for dossier in rows:
            days_left = (dossier.campaign.submission_deadline - today).days
            pressing = kinds[dossier.status] == "transmit" and days_left <= TODO_DEADLINE_DAYS
            items.append(
                TodoItem(
                    dossier,
                    kinds[dossier.status],
                    can_act=dossier.structure_id in scope.editor_structure_ids,
                    countdown=countdown(days_left) if pressing else "",
                    late=pressing and days_left < 0,
                )
            )
        parts["siae"] = TodoPart(items, total, reverse("dossiers:dossier_list") + "?campaign=toutes")
    if scope.network_ids:
        rows, total = _fetch(
            awaiting_review(user)
            .select_related("structure", "campaign")
            .order_by("campaign__review_deadline", "updated_at", "pk")
        )
        items = []
        for dossier in rows:
            days_left = (dossier.campaign.review_deadline - today).days
            items.append(TodoItem(dossier, "review", True, countdown(days_left), late=days_left < 0))
        parts["reviews"] = TodoPart(
            items, total, reverse("dossiers:dossier_list") + f"?campaign=toutes&status={workflow.IN_REVIEW}"
        )
    if scope.departements:
        rows, total = _fetch(
            visible.filter(structure__departement__in=scope.departements, status=workflow.SUBMITTED).order_by(
                "submitted_at", "pk"
            )
        )
        parts["acknowledgements"] = TodoPart(
            [TodoItem(dossier, "acknowledge", True) for dossier in rows],
            total,
            reverse("dossiers:dossier_list") + f"?campaign=toutes&status={workflow.SUBMITTED}",
        )
    return parts
