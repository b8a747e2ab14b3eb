from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from siae_portal.pagination import LIST_PAGE_SIZE, paginate

from .forms import DigestPreferenceForm


@require_http_methods(["GET", "POST"])
def account(request):
    """The user's account: who it is, its memberships, and the weekly digest opt-out."""
    form = DigestPreferenceForm(data=request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if form.instance.receives_digest:
            messages.success(request, "Vous recevrez le récapitulatif hebdomadaire.")
        else:
            messages.success(request, "Vous ne recevrez plus le récapitulatif hebdomadaire.")
        return redirect("accounts:account")
    memberships = request.user.memberships.active().select_related("structure", "network").order_by("role", "pk")
    return render(request, "accounts/user_account.html", {"form": form, "memberships": memberships})


@require_GET
def notification_list(request):
    """What the portal told the user by e-mail, newest first (its own messages only)."""
    notifications = request.user.notifications.all()
    page = paginate(request, notifications, LIST_PAGE_SIZE)
    return render(request, "accounts/notification_list.html", {"page": page})


@require_GET
def notification_detail(request, pk):
    """One message, as it was written; another user's message answers 404."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    return render(request, "accounts/notification_detail.html", {"notification": notification})
