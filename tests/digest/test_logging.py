"""digest/logging.py: one parseable line per record, with context, without secrets."""

import datetime
import io
import json
import logging
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client

from digest.access_log import access_record
from digest.logging import JsonFormatter, RedactSecretsFilter, RequestContextFilter, TextFormatter
from tests.factories import make_user

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def log_lines():
    """Capture the ``django`` loggers through the handler settings.LOGGING configures."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.addFilter(RedactSecretsFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def access_line(path="/", query="", status=200, **environ):
    """The record digest's gunicorn logger makes of one request."""
    request_time = datetime.timedelta(milliseconds=3)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, **environ}
    return access_record(status, 10, environ, request_time)


def prepare(record):
    RequestContextFilter().filter(record)
    RedactSecretsFilter().filter(record)
    return record


def test_settings_route_every_record_through_the_context_and_redaction_filters():
    handler = settings.LOGGING["handlers"]["stdout"]

    assert handler["filters"] == ["request_context", "redact_secrets"]
    assert settings.LOGGING["root"]["handlers"] == ["stdout"]
    assert settings.LOGGING["loggers"]["django"]["handlers"] == ["stdout"]


@pytest.mark.urls("tests.digest.urls")
def test_a_logged_server_error_carries_path_and_user_id_but_not_the_password(db, log_lines):
    user = make_user("editor-on-call")
    client = Client(raise_request_exception=False)
    client.force_login(user)

    response = client.post("/boom/?next=/admin/", {"username": "editor", "password": PASSWORD})

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    [entry] = [entry for entry in log_lines() if entry["logger"] == "django.request"]
    assert entry["level"] == "ERROR"
    assert entry["method"] == "POST"
    assert entry["path"] == "/boom/"
    assert entry["status"] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert entry["user_id"] == user.pk
    assert "RuntimeError: could not sign in editor with [redacted]" in entry["exception"]
    assert PASSWORD not in json.dumps(entry)


@pytest.mark.urls("tests.digest.urls")
def test_an_anonymous_request_is_logged_without_a_user_id(db, log_lines):
    client = Client(raise_request_exception=False)

    client.post("/boom/", {"username": "editor", "password": PASSWORD})

    [entry] = [entry for entry in log_lines() if entry["logger"] == "django.request"]
    assert "user_id" not in entry
    assert PASSWORD not in json.dumps(entry)


def test_the_session_cookie_of_a_logged_request_is_never_logged(db, log_lines, rf):
    request = rf.get("/admin/", HTTP_COOKIE="sessionid=abcd1234sessionsecret; theme=dark")
    logging.getLogger("django.request").warning(
        "odd cookie header %s", request.META["HTTP_COOKIE"], extra={"request": request}
    )

    [entry] = log_lines()
    assert "abcd1234sessionsecret" not in entry["message"]
    assert entry["path"] == "/admin/"


@pytest.mark.parametrize(
    "message",
    [
        "login failed: password=hunter22",
        'payload {"password": "hunter22"}',
        "cannot reach postgres://digest:hunter22@db:5432/digest",
        "Authorization: hunter22",
    ],
)
def test_password_shaped_values_are_redacted_from_any_message(message):
    record = logging.LogRecord("digest", logging.WARNING, __file__, 1, message, (), None)

    line = JsonFormatter().format(prepare(record))

    assert "hunter22" not in line
    assert "[redacted]" in line


def test_configured_secrets_are_redacted_wherever_they_appear(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k3y-that-must-never-leak")
    monkeypatch.setenv("REDIS_URL", "redis://:redis-pa55@cache:6379/0")
    record = logging.LogRecord(
        "digest",
        logging.ERROR,
        __file__,
        1,
        "key %s, cache secret %s",
        ("k3y-that-must-never-leak", "redis-pa55"),
        None,
    )

    line = JsonFormatter().format(prepare(record))

    assert "k3y-that-must-never-leak" not in line
    assert "redis-pa55" not in line


def test_a_gunicorn_access_line_becomes_fields_with_sensitive_query_values_blanked():
    record = access_line("/search/", "q=npu&token=abc123xyz", REMOTE_ADDR="10.0.0.1")

    entry = json.loads(JsonFormatter().format(prepare(record)))

    assert entry["message"] == "GET /search/ 200"
    assert entry["path"] == "/search/"
    assert entry["status"] == HTTPStatus.OK
    assert entry["query"] == "q=npu&token=[redacted]"
    assert entry["remote_addr"] == "10.0.0.1"
    assert entry["duration_ms"] == 3
    assert "abc123xyz" not in json.dumps(entry)


def test_the_text_format_keeps_the_same_fields_on_one_line():
    record = prepare(access_line("/healthz"))

    line = TextFormatter().format(record)

    assert "gunicorn.access: GET /healthz 200" in line
    assert "path=/healthz" in line
    assert "\n" not in line


def test_share_link_tokens_never_reach_the_access_log():
    token = "Zq8vL2xN4pR7sT1uW3yA5bC6dE9fG0hJ"
    record = access_line(f"/shared/{token}/")

    entry = json.loads(JsonFormatter().format(prepare(record)))

    assert entry["path"] == "/shared/[redacted]/"
    assert token not in json.dumps(entry)


def test_share_link_tokens_never_reach_a_request_log(db, log_lines):
    token = "Zq8vL2xN4pR7sT1uW3yA5bC6dE9fG0hJ"
    Client().get(f"/shared/{token}/")

    text = json.dumps(log_lines())
    assert "/shared/[redacted]/" in text
    assert token not in text
