from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .calculations import overall_progress, progress_by_axis
from .models import Answer, Campaign, Dossier, Question, Structure


def get_structure_for_user(request, pk, *, write=False):
    """The structure if the user may see it (404 otherwise); with `write`, 403 unless it may edit it."""
    structure = get_object_or_404(Structure.objects.visible_to(request.user), pk=pk)
    if write and not request.user.has_perm("dossiers.change_structure", structure):
        raise PermissionDenied("Vous ne pouvez pas modifier cette structure.")
    return structure


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
        .order_by("name")
    )
    return [(structure, latest) for structure in structures]
