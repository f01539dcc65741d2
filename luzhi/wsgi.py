"""WSGI entry point (gunicorn luzhi.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")
application = get_wsgi_application()
