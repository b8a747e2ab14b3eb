"""Custom rate definitions: advisors define them for their network, administrators for any network
or for the whole portal. Always shown beside the official rate, never instead of it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siae_portal.collation import French

from ..forms.definitions import CustomRateDefinitionForm
from ..models import CustomRateDefinition
from ..selectors import get_definition_for_user

CREATE = "indicators.create_definition"


@require_GET
def definition_list(request):
    can_create = request.user.has_perm(CREATE)
    definitions = CustomRateDefinition.objects.visible_to(request.user).order_by("-is_active", French("name"))
    if not can_create:
        definitions = definitions.active()
    rows = [
        {"definition": d, "can_edit": request.user.has_perm("indicators.change_customratedefinition", d)}
        for d in definitions
    ]
    return render(
        request,
        "indicators/definition_list.html",
        {"rows": rows, "can_create": can_create},
    )


@require_http_methods(["GET", "POST"])
def definition_create(request):
    if not request.user.has_perm(CREATE):
        raise PermissionDenied("Seuls les conseillers de réseau et les administrateurs définissent des taux.")
    form = CustomRateDefinitionForm(data=request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        definition = form.save(commit=False)
        definition.created_by = request.user
        definition.save()
        messages.success(request, f"La définition « {definition.name} » a été créée.")
        return redirect("indicators:definition_list")
    return render(request, "indicators/definition_form.html", {"form": form, "definition": None})


@require_http_methods(["GET", "POST"])
def definition_edit(request, pk):
    definition = get_definition_for_user(request, pk, write=True)
    form = CustomRateDefinitionForm(data=request.POST or None, instance=definition, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"La définition « {definition.name} » a été enregistrée.")
        return redirect("indicators:definition_list")
    return render(request, "indicators/definition_form.html", {"form": form, "definition": definition})


@require_POST
def definition_toggle(request, pk):
    definition = get_definition_for_user(request, pk, write=True)
    definition.is_active = not definition.is_active
    definition.save(update_fields=["is_active"])
    state = "réactivée" if definition.is_active else "désactivée"
    messages.success(request, f"La définition « {definition.name} » a été {state}.")
    return redirect("indicators:definition_list")
