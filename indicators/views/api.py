"""The indicators as JSON, scoped to what the reader may see."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from dossiers.models import Structure
from siae_portal.collation import French

from ..models import CustomRateDefinition
from ..reports import ScopeError, build_report, parse_year, select_scope

SCOPE_PARAMETERS = ("structure", "departement", "kind", "network")


@login_not_required
@require_GET
def indicators_api(request):
    """GET /api/v1/indicators/?year=2009[&structure=SIRET|departement=59|kind=ACI|network=URIAE]"""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Authentification requise : connectez-vous au portail."}, status=401)
    unknown = sorted(set(request.GET) - {"year", *SCOPE_PARAMETERS})
    try:
        if unknown:
            raise ScopeError("Paramètre(s) inconnu(s) : " + ", ".join(unknown) + ".", 400)
        year = parse_year(request.GET.get("year"))
        structures, scope = select_scope(
            Structure.objects.visible_to(request.user),
            user=request.user,
            **{name: request.GET.get(name) for name in SCOPE_PARAMETERS},
        )
    except ScopeError as error:
        return JsonResponse({"error": error.message}, status=error.status)
    definitions = CustomRateDefinition.objects.visible_to(request.user).active().order_by(French("name"))
    report = build_report(structures, year, scope=scope, custom_definitions=definitions)
    return JsonResponse(report, json_dumps_params={"ensure_ascii": False})
