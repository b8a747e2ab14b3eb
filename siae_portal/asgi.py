"""The ASGI entry point (`siae_portal.asgi:application`), for an asynchronous server."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siae_portal.settings")
application = get_asgi_application()
