"""The Django admin site of the portal: at the path DJANGO_ADMIN_URL, and only for staff.

A logged-in user who is not staff gets the portal's 404 on every admin URL, as if the admin did
not exist; an anonymous visitor is sent to the portal's own login page (throttled, see
accounts.throttling), never to a second, admin login form.
"""

from functools import update_wrapper

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse


class PortalAdminSite(admin.AdminSite):
    site_header = "Portail OS-IAE · administration"
    site_title = "Portail OS-IAE"
    index_title = "Administration du portail"

    def _refuse_non_staff(self, request):
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404("Page introuvable.")

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        def staff_only(request, *args, **kwargs):
            self._refuse_non_staff(request)
            return checked(request, *args, **kwargs)

        return update_wrapper(staff_only, checked)

    @login_not_required
    def login(self, request, extra_context=None):
        self._refuse_non_staff(request)
        if request.user.is_authenticated:
            return super().login(request, extra_context)  # staff: the admin sends them on to `next`
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index", current_app=self.name), settings.LOGIN_URL
        )
