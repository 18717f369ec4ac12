import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")
application = get_wsgi_application()

# After Django is set up: repeated requests for public pages are answered
# before Django's request cycle (``issues.cache``).
from issues.cache import RepeatedRequests  # noqa: E402

application = RepeatedRequests(application)
