from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .forms import StructureFilterForm, StructureForm
from .models import Network, Structure
from .selectors import get_structure_for_user


@require_GET
def home(request):
    """The role's home: the structures the user may see, filtered and paginated."""
    scope = request.user.scope
    structures = Structure.objects.visible_to(request.user).prefetch_related(
        Prefetch("networks", queryset=Network.objects.order_by("code"))
    )
    filter_form = StructureFilterForm(data=request.GET or None)
    structures = filter_form.filter(structures).order_by("name", "pk")
    page = Paginator(structures, 25).get_page(request.GET.get("page"))
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
            "querystring": _querystring_without_page(request),
        },
    )


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


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
