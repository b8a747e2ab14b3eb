"""The portal's own pages that belong to no application: the accessibility statement."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

# What tests/browser/test_axe.py runs; the statement names it.
AXE_CORE_VERSION = "4.12"


@login_not_required
@require_GET
def accessibility(request):
    """The déclaration d'accessibilité (RGAA 4.1): what was tested, how, and what is known."""
    return render(request, "accessibility.html", {"axe_version": AXE_CORE_VERSION})
