"""What django-axes counts failed logins by (see AXES_* in the settings)."""

from django.conf import settings
from django.shortcuts import render


def attempted_email(request, credentials) -> str | None:
    """The e-mail typed, as the login compares it (case and surrounding spaces ignored): "Marie@X.org "
    and "marie@x.org" share one failure count."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return username.strip().lower() if isinstance(username, str) else username


def client_address(request) -> str | None:
    """The client's address. Behind the reverse proxy (DJANGO_BEHIND_PROXY), the last entry of
    X-Forwarded-For is the one the proxy itself saw connect: entries before it are whatever the
    client sent, and could be forged to escape the count."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page of a refused login (429 Too Many Requests): the same for an existing account and an
    unknown e-mail, so that it tells nothing about which accounts exist."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
