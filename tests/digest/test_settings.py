"""digest/settings.py: production fails fast, and is secure when it starts.

Settings are read once per process, so each case runs in a fresh Python with
exactly the environment it names.
"""

import json

import pytest

from tests.digest.conftest import PRODUCTION_ENV

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name, None) for name in NAMES}, default=str))
"""


def settings_in(run_django, env, *names):
    result = run_django(f"NAMES = {list(names)!r}" + PRINT_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_production_without_secret_key_fails_fast_with_a_clear_message(run_django):
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}

    result = run_django(env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_fails_fast_with_a_clear_message(run_django):
    env = {**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": ""}

    result = run_django(env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_development_starts_with_no_environment_at_all(run_django):
    result = run_django("from django.conf import settings; print(settings.DEBUG)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_production_passes_check_deploy_without_warnings(run_django):
    code = "from django.core.management import call_command; call_command('check', deploy=True)"

    result = run_django(code, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_production_is_secure_by_default(run_django):
    values = settings_in(
        run_django,
        PRODUCTION_ENV,
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "CONTENT_SECURITY_POLICY",
        "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    )

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert values["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None


def test_proxy_ssl_header_and_trusted_origins_come_from_the_environment(run_django):
    env = {
        **PRODUCTION_ENV,
        "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://digest.example.com, https://www.example.com",
    }

    values = settings_in(run_django, env, "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS")

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["CSRF_TRUSTED_ORIGINS"] == [
        "https://digest.example.com",
        "https://www.example.com",
    ]


def test_redis_url_shares_cache_and_sessions_between_replicas(run_django):
    env = {"REDIS_URL": "redis://127.0.0.1:6379/0"}

    values = settings_in(run_django, env, "CACHES", "SESSION_ENGINE")

    assert values["CACHES"]["default"]["BACKEND"] == "digest.redis_cache.RedisCache"
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_without_redis_sessions_live_in_the_database(run_django):
    values = settings_in(run_django, {}, "CACHES", "SESSION_ENGINE")

    assert values["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_s3_bucket_switches_media_to_s3_and_stops_serving_local_media(run_django):
    env = {"DJANGO_S3_BUCKET": "digest-media", "DJANGO_S3_CUSTOM_DOMAIN": "media.example.com"}

    values = settings_in(run_django, env, "STORAGES", "MEDIA_URL", "SERVE_MEDIA")

    assert values["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert values["STORAGES"]["default"]["OPTIONS"]["bucket_name"] == "digest-media"
    assert values["MEDIA_URL"] == "https://media.example.com/media/"
    assert values["SERVE_MEDIA"] is False


def test_a_malformed_number_names_the_variable(run_django):
    result = run_django(env={"DJANGO_CONN_MAX_AGE": "a minute"})

    assert result.returncode != 0
    assert "DJANGO_CONN_MAX_AGE must be a whole number" in result.stderr


@pytest.mark.parametrize("typo", ["ture", "enabled", " ", "nein"])
def test_an_unreadable_four_eyes_switch_fails_start_up_instead_of_turning_it_off(run_django, typo):
    result = run_django(env={"DIGEST_FOUR_EYES": typo})

    assert result.returncode != 0
    assert "DIGEST_FOUR_EYES must be one of" in result.stderr


@pytest.mark.parametrize(("word", "expected"), [("0", False), ("off", False), ("Yes", True)])
def test_the_four_eyes_switch_reads_plain_yes_and_no(run_django, word, expected):
    result = run_django(
        "from django.conf import settings; print(settings.DIGEST_FOUR_EYES)",
        env={"DIGEST_FOUR_EYES": word},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected)
