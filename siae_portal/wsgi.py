"""The WSGI entry point that gunicorn serves (`gunicorn siae_portal.wsgi`, docs/deployment.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siae_portal.settings")
application = get_wsgi_application()
