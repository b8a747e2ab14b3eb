"""The portal's own pages that belong to no application: the accessibility statement, the
server-error handler (503 when the database is down)."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

# Raised by the driver when the database cannot be reached or the connection dropped.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What tests/browser/test_axe.py runs; the statement names it.
AXE_CORE_VERSION = "4.12"


@login_not_required
@require_GET
def accessibility(request):
    """The déclaration d'accessibilité (RGAA 4.1): what was tested, how, and what is known."""
    return render(request, "accessibility.html", {"axe_version": AXE_CORE_VERSION})


def server_error(request):
    """The 500 handler. When the database is the problem (down, refusing connections, restarting),
    a French 503 "service indisponible" with Retry-After: the request can be made again as is.
    Both pages render without the request (no user, no session): nothing may touch the database."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
