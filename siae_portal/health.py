"""`/healthz` for the load balancer and the monitoring (django-health-check): 200 when the database,
the file storage (a file written, read and deleted) and the mail server answer, 503 otherwise."""

from django.contrib.auth.decorators import login_not_required
from health_check.checks import Database, Mail, Storage
from health_check.views import HealthCheckView

UNHEALTHY = 503  # the library answers 500; a proxy reads 503 as "take this server out"


class PortalHealthCheck(HealthCheckView):
    checks = (Database, Mail, Storage)
    template_name = "healthz.html"

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = UNHEALTHY
        return response


healthz = login_not_required(PortalHealthCheck.as_view())
