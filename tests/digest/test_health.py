"""/healthz and /readyz (digest/health.py, digest/middleware.py).

Failures come from real connections to closed ports, never from mocks. A
process's database settings are fixed at start, so the outage cases run in a
child process pointed at an unreachable PostgreSQL.
"""

import json
import os
from http import HTTPStatus

import psycopg
import pytest

POSTGRES_URL = os.environ.get(
    "DIGEST_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
UNREACHABLE_POSTGRES_URL = "postgres://postgres@127.0.0.1:1/postgres"

# Asks /readyz through the test client and prints status and body as JSON.
ASK_READYZ = """
import json
from django.test import Client
def readyz():
    response = Client().get("/readyz")
    print(json.dumps([response.status_code, response.json()]))
"""


def postgres_is_running():
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


def readyz_answers(result):
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("[")]


def test_healthz_answers_ok_without_touching_the_database(client):
    # No `db` fixture: any query would fail the test.
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_ok_when_database_and_cache_answer(client, db):
    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ok",
        "checks": {"database:default": "ok", "cache": "ok"},
    }


def test_readyz_answers_503_naming_the_unreachable_database(run_django):
    result = run_django(ASK_READYZ + "readyz()", env={"DATABASE_URL": UNREACHABLE_POSTGRES_URL})

    [(status, body)] = readyz_answers(result)
    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert body == {
        "status": "unavailable",
        "checks": {"database:default": "unavailable (OperationalError)", "cache": "ok"},
    }


def test_readyz_answers_503_naming_the_unreachable_cache(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"] == {
        "database:default": "ok",
        "cache": "unavailable (ConnectionError)",
    }


@pytest.mark.skipif(
    not postgres_is_running(), reason="needs PostgreSQL at DIGEST_TEST_POSTGRES_URL"
)
def test_readyz_recovers_in_the_same_process_once_the_database_is_back(run_django):
    # A persistent connection is open; the database goes away (the socket
    # under Django breaks and the port no longer answers), then comes back.
    code = ASK_READYZ + (
        "from django.db import connection\n"
        "readyz()\n"
        "real_port = connection.settings_dict['PORT']\n"
        "connection.settings_dict['PORT'] = 1\n"
        "connection.connection.close()\n"
        "readyz()\n"
        "connection.settings_dict['PORT'] = real_port\n"
        "readyz()\n"
    )

    result = run_django(code, env={"DATABASE_URL": POSTGRES_URL})

    statuses = [status for status, _ in readyz_answers(result)]
    assert statuses == [HTTPStatus.OK, HTTPStatus.SERVICE_UNAVAILABLE, HTTPStatus.OK]


def test_probes_answer_any_host_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["digest.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")

    assert response.status_code == HTTPStatus.OK


def test_other_pages_still_refuse_unknown_hosts(client, settings):
    settings.ALLOWED_HOSTS = ["digest.example.com"]

    response = client.get("/admin/login/", HTTP_HOST="10.0.3.7:8000")

    assert response.status_code == HTTPStatus.BAD_REQUEST
