"""The pages of the dialogue de gestion: propose a convention (the structure), read it with its
comments and history, change its objectives, comment (the network), agree and close (the DDTEFP).
Every write goes through conventions.services; every read through the user's scope."""

from decimal import Decimal

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers.selectors import get_structure_for_user
from siae_portal.reference import TARGET_DURABLE_RATE, TARGET_DYNAMIC_RATE

from .. import services
from ..calculations import default_targets
from ..forms import AgreeForm, CloseForm, CommentForm, ObjectivesForm, YearsForm, objectives_initial
from ..models import Convention, Indicator, Objective
from ..rules import ROLE_LABELS, comment_role
from ..selectors import (
    PROPOSED_INDICATORS,
    convention_history,
    default_first_year,
    departement_definitions,
    get_convention_for_user,
    past_years,
)
from ..services import ConventionError

# Without any past figure, a proposal starts from the circulaire's objectives.
CIRCULAIRE_TARGETS = {Indicator.OFFICIAL: TARGET_DYNAMIC_RATE, Indicator.DURABLE: TARGET_DURABLE_RATE}


def _prefill(structure, years, history) -> dict:
    """Initial values of a proposal: the structure's posts, and the mean of its past years for the
    required objectives (the circulaire's rates when it has none); optional ones left empty."""
    means = default_targets([year.values() for year in history])
    values = {}
    for year in years:
        values[(year, "etp")] = structure.insertion_posts_etp
        exits = means.get("exits")
        values[(year, "exits")] = Decimal(round(exits)) if exits else None
        for indicator in (Indicator.OFFICIAL, Indicator.DURABLE):
            rate = means.get(str(indicator))
            rate = CIRCULAIRE_TARGETS[indicator] if rate is None else rate
            values[(year, str(indicator))] = Decimal(str(round(rate * 100, 1)))
    return values


@require_http_methods(["GET", "POST"])
def propose(request, structure_pk):
    """The structure proposes a convention: its years (query string), then ETP and objectives per
    year, pre-filled from its three years before the convention, shown beside the form."""
    structure = get_structure_for_user(request, structure_pk)
    can_propose = rules.has_perm("conventions.propose_convention", request.user, structure)
    if request.method == "POST" and not can_propose:
        raise PermissionDenied("Seuls les rédacteurs de la structure proposent une convention.")
    source = request.POST if request.method == "POST" else request.GET
    years_form = YearsForm(data=source if "first_year" in source else None)
    if years_form.is_bound and years_form.is_valid():
        years = years_form.years
    else:
        first = default_first_year(structure)
        years = list(range(first, first + 3))
        if not years_form.is_bound:
            years_form = YearsForm(initial={"first_year": years[0], "last_year": years[-1]})
    history = past_years(structure, years[0])
    form = None
    if can_propose:
        form = ObjectivesForm(
            data=request.POST if request.method == "POST" and years_form.is_valid() else None,
            years=years,
            definitions=departement_definitions(request.user, structure),
            initial_values=_prefill(structure, years, history),
            with_reference=True,
        )
        if form.is_bound and form.is_valid():
            try:
                convention = services.propose(
                    structure,
                    request.user,
                    first_year=years[0],
                    last_year=years[-1],
                    etp=form.etp(),
                    objectives=[item for item in form.objective_inputs() if item.target is not None],
                    reference=form.cleaned_data.get("reference", "").strip(),
                )
            except ConventionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, f"Convention {convention.span} proposée : le réseau et la DDTEFP peuvent la lire."
                )
                return redirect(convention)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "conventions/convention_propose.html",
        {
            "structure": structure,
            "years": years,
            "years_form": years_form,
            "form": form,
            "history": history,
            "means": default_targets([year.values() for year in history]),
            "rate_indicators": [str(i) for i in PROPOSED_INDICATORS if i != Indicator.EXITS],
            "conventions": structure.conventions.all(),
        },
        status=status,
    )


def _detail(request, convention, *, comment_form=None, agree_form=None, close_form=None, status=200):
    user = request.user
    years = list(
        convention.convention_years.order_by("year").prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.select_related("definition"))
        )
    )
    table = []
    for indicator in Indicator:
        cells = [next((o for o in row.objectives.all() if o.indicator == indicator), None) for row in years]
        if any(cells):
            table.append((indicator, cells))
    can = {
        "comment": rules.has_perm("conventions.comment_convention", user, convention),
        "edit": rules.has_perm("conventions.change_objectives", user, convention),
        "agree": rules.has_perm("conventions.agree_convention", user, convention),
        "close": rules.has_perm("conventions.close_convention", user, convention),
    }
    return render(
        request,
        "conventions/convention_detail.html",
        {
            "convention": convention,
            "structure": convention.structure,
            "years": years,
            "table": table,
            "can": can,
            "comments": convention.comments.select_related("author"),
            "role_labels": ROLE_LABELS,
            "history": convention_history(convention),
            "comment_form": comment_form or (CommentForm() if can["comment"] else None),
            "agree_form": agree_form
            or (AgreeForm(initial={"reference": convention.reference}) if can["agree"] else None),
            "close_form": close_form or (CloseForm() if can["close"] else None),
        },
        status=status,
    )


@require_GET
def detail(request, pk):
    return _detail(request, get_convention_for_user(request, pk))


@require_http_methods(["GET", "POST"])
def edit_objectives(request, pk):
    """Change the ETP and objectives: the structure or the agent while proposed (the agent sets the
    agreed values), only the agent or an administrator once agreed, with a reason."""
    convention = get_convention_for_user(request, pk, perm="conventions.change_objectives")
    structure = convention.structure
    initial = objectives_initial(convention)
    kept = [value for key, value in initial.items() if key[0] == "definition"]
    form = ObjectivesForm(
        data=request.POST or None,
        years=convention.years,
        definitions=departement_definitions(request.user, structure, keep=kept),
        initial_values=initial,
        with_reason=convention.status == Convention.Status.AGREED,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.set_objectives(
                convention,
                request.user,
                form.objective_inputs(),
                reason=form.cleaned_data.get("reason", ""),
                etp=form.etp(),
            )
        except ConventionError as error:
            form.add_error(None, str(error))
        else:
            if changed:
                messages.success(request, "Objectifs enregistrés.")
            else:
                messages.info(request, "Aucune valeur n'a changé.")
            return redirect(convention)
    return render(
        request,
        "conventions/convention_edit.html",
        {"convention": convention, "structure": structure, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _posted_step(request, pk, *, perm, form_class, form_name, act, success, error_field=None):
    """A step posted from the convention's page (`perm` required): with its form valid, `act` (a
    service, given the convention and the form's data) then back to the convention with the
    `success` message; otherwise the page again (400) with the form, its errors or the service's."""
    convention = get_convention_for_user(request, pk, perm=perm)
    form = form_class(data=request.POST)
    if form.is_valid():
        try:
            act(convention, form.cleaned_data)
        except ConventionError as error:
            form.add_error(error_field, str(error))
        else:
            messages.success(request, success(convention))
            return redirect(convention)
    return _detail(request, convention, **{form_name: form}, status=400)


@require_POST
def comment(request, pk):
    user = request.user
    return _posted_step(
        request,
        pk,
        perm="conventions.comment_convention",
        form_class=CommentForm,
        form_name="comment_form",
        act=lambda convention, data: services.comment(
            convention, user, comment_role(user, convention.structure), data["text"]
        ),
        success=lambda convention: "Commentaire ajouté.",
        error_field="text",
    )


@require_POST
def agree(request, pk):
    return _posted_step(
        request,
        pk,
        perm="conventions.agree_convention",
        form_class=AgreeForm,
        form_name="agree_form",
        act=lambda convention, data: services.agree(convention, request.user, reference=data["reference"]),
        success=lambda convention: f"Convention {convention.span} conclue.",
    )


@require_POST
def close(request, pk):
    return _posted_step(
        request,
        pk,
        perm="conventions.close_convention",
        form_class=CloseForm,
        form_name="close_form",
        act=lambda convention, data: services.close(convention, request.user),
        success=lambda convention: f"Convention {convention.span} close.",
    )
