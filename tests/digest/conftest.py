import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Variables settings.py reads; a child process starts from none of the parent's.
SETTINGS_VARIABLES = ("DATABASE_URL", "REDIS_URL")
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-only-secret-5c8a1f0e9d7b6a4c3e2f1a0b9c8d7e6f5a4b3c2d1e0f",
    "DJANGO_ALLOWED_HOSTS": "digest.example.com",
}


@pytest.fixture
def run_django():
    """Run ``code`` after ``django.setup()`` in a fresh Python with exactly ``env`` set.

    Settings are read once per process, so a different environment needs a new
    process. Returns the CompletedProcess (text output captured).
    """

    def run(code="", *, env=None, timeout=60):
        child_env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DJANGO_", "DIGEST_", "GUNICORN_"))
            and name not in SETTINGS_VARIABLES
        }
        child_env["DJANGO_SETTINGS_MODULE"] = "digest.settings"
        child_env.update(env or {})
        script = f"import django\ndjango.setup()\n{code}"
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=PROJECT_DIR,
            env=child_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
