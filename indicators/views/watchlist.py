"""Structures à suivre: the early-warning list of an advisor's network or an agent's département."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..forms.dashboards import YearForm
from ..watchlist import (
    LOW_DURABLE_RATE,
    LOW_OFFICIAL_RATE,
    SMALL_POSTS_ETP,
    UNANSWERED_DAYS,
    watched_structures,
    watchlist,
)


@require_GET
def watchlist_page(request):
    scope = request.user.scope
    if not (scope.is_admin or scope.is_advisor or scope.is_agent):
        raise Http404  # SIAE staff never see the signals page
    form = YearForm(data=request.GET or None)
    year = form.selected_year()
    rows = watchlist(watched_structures(request.user), year)
    return render(
        request,
        "indicators/watchlist.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "thresholds": {
                "official": round(LOW_OFFICIAL_RATE * 100),
                "durable": round(LOW_DURABLE_RATE * 100),
                "days": UNANSWERED_DAYS,
                "posts": SMALL_POSTS_ETP,
            },
        },
    )
