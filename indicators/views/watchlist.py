"""Structures à suivre: the early-warning list of an advisor's network or an agent's département."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from ..forms.dashboards import YearForm
from ..forms.followups import FollowUpForm
from ..models import FollowUp
from ..watchlist import (
    LOW_DURABLE_RATE,
    LOW_OFFICIAL_RATE,
    SMALL_POSTS_ETP,
    UNANSWERED_DAYS,
    watched_structures,
    watchlist,
)


def _require_watcher(request):
    scope = request.user.scope
    if not (scope.is_admin or scope.is_advisor or scope.is_agent):
        raise Http404  # SIAE staff never see the signals page


def _latest_follow_ups(structure_ids):
    """The latest follow-up of each structure of `structure_ids`, in one query."""
    latest = {}
    for follow_up in FollowUp.objects.filter(structure_id__in=structure_ids).select_related("author"):
        latest.setdefault(follow_up.structure_id, follow_up)  # ordered newest first
    return latest


@require_GET
def watchlist_page(request):
    _require_watcher(request)
    form = YearForm(data=request.GET or None)
    year = form.selected_year()
    rows = watchlist(watched_structures(request.user), year)
    latest = _latest_follow_ups([row.structure.pk for row in rows])
    for row in rows:
        row.follow_up = latest.get(row.structure.pk)
    return render(
        request,
        "indicators/watchlist.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "follow_up_form": FollowUpForm(),
            "thresholds": {
                "official": round(LOW_OFFICIAL_RATE * 100),
                "durable": round(LOW_DURABLE_RATE * 100),
                "days": UNANSWERED_DAYS,
                "posts": SMALL_POSTS_ETP,
            },
        },
    )


@require_POST
def follow_up_create(request, structure_pk):
    """Mark a structure of the user's watch followed up: a note or decision, a next date, shared
    with the structure's staff or not. Out of the user's scope: 404."""
    _require_watcher(request)
    structure = get_object_or_404(watched_structures(request.user), pk=structure_pk)
    form = FollowUpForm(data=request.POST)
    if form.is_valid():
        form.instance.structure = structure
        form.instance.author = request.user
        form.save()
        messages.success(request, f"{structure.name} est marquée suivie.")
    else:
        errors = " ".join(e for field_errors in form.errors.values() for e in field_errors)
        messages.error(request, f"Suivi de {structure.name} non enregistré : {errors}")
    year = request.POST.get("year", "")
    url = redirect("indicators:watchlist").url
    return redirect(f"{url}?year={year}" if year.isdigit() else url)
