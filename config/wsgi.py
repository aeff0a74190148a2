import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()

# Fail at start, with the command to run, rather than answer every page with a 500.
from core.checks import require_collected_static  # noqa: E402

require_collected_static()
