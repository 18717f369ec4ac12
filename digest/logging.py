"""Log records as one line each on stdout, for a log collector.

``JsonFormatter`` writes one JSON object per line (production);
``TextFormatter`` writes the same fields as readable ``key=value`` text
(development). Two filters prepare every record first:

- ``RequestContextFilter`` copies the method, path and user id of the request
  being logged (Django's request loggers attach it as ``record.request``).
  gunicorn's access lines come with their fields (``digest.access_log``).
- ``RedactSecretsFilter`` renders the message and traceback once and removes
  secrets from them: the values of password-like form fields and of the
  ``Cookie``/``Authorization`` headers of that request, the secrets this
  process was configured with (secret key, database/Redis/S3 credentials) and
  anything shaped like ``password=...``. Request bodies are never logged.

Nothing here imports Django at module level: gunicorn.conf.py uses these
classes before Django is set up.
"""

import json
import logging
import os
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

REDACTED = "[redacted]"

# Form fields, query parameters and headers whose values are never logged.
SENSITIVE_NAME = re.compile(
    r"pass|pwd|secret|token|key|auth|csrf|signature|session|cookie", re.IGNORECASE
)
SENSITIVE_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_X_CSRFTOKEN")
# Environment variables holding secrets, and those holding URLs with credentials.
SECRET_VARIABLES = (
    "DJANGO_SECRET_KEY",
    "DJANGO_S3_SECRET_ACCESS_KEY",
    "DJANGO_SUPERUSER_PASSWORD",
    "DJANGO_EMAIL_HOST_PASSWORD",
)
URL_VARIABLES = ("DATABASE_URL", "REDIS_URL")

_KEY_VALUE = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|authorization)"
    r"""(["']?\s*[:=]\s*["']?)([^\s"'&,;]+)"""
)
# Share links are secrets in the path: /shared/<token>/.
_SHARE_TOKEN = re.compile(r"(/shared/)[^/\s?\"']+")
_URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)([^@/\s]+)(@)", re.IGNORECASE)
# Secrets shorter than this are not searched for: they would redact ordinary words.
MIN_SECRET_LENGTH = 4

# Extra fields a formatter writes when a filter or caller set them.
CONTEXT_FIELDS = (
    "method",
    "path",
    "query",
    "status",
    "user_id",
    "remote_addr",
    "bytes",
    "duration_ms",
    "referer",
    "user_agent",
    "request_id",
)


def configured_secrets():
    """The secret values this process was started with."""
    secrets = [os.environ.get(name, "") for name in SECRET_VARIABLES]
    for name in URL_VARIABLES:
        try:
            secrets.append(urlsplit(os.environ.get(name, "")).password or "")
        except ValueError:
            continue
    return [secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH]


def redact(text, secrets=()):
    """Return ``text`` without the given secret values and password-shaped pairs."""
    if not text:
        return text
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    # Each pattern needs its marker: most lines (an access line's path) have none.
    if "://" in text:
        text = _URL_CREDENTIALS.sub(rf"\g<1>{REDACTED}\g<3>", text)
    if "/shared/" in text:
        text = _SHARE_TOKEN.sub(rf"\g<1>{REDACTED}", text)
    if "=" in text or ":" in text:
        text = _KEY_VALUE.sub(rf"\g<1>\g<2>{REDACTED}", text)
    return text


def redact_query(query):
    """Blank out the values of sensitive query parameters."""
    if not query or query == "-":
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(name, REDACTED if SENSITIVE_NAME.search(name) else value) for name, value in pairs],
        safe="[]",
    )


def request_secrets(request):
    """Values of the request's sensitive form fields, query parameters and headers."""
    secrets = []
    for data in (getattr(request, "POST", None), getattr(request, "GET", None)):
        try:
            items = data.lists() if data is not None else ()
            for name, values in items:
                if SENSITIVE_NAME.search(name):
                    secrets.extend(value for value in values if isinstance(value, str))
        except Exception:  # noqa: BLE001 - an unreadable body must not stop logging
            continue
    meta = getattr(request, "META", {})
    for header in SENSITIVE_HEADERS:
        value = meta.get(header, "")
        secrets.append(value)
        # Each cookie value on its own, as it may be quoted elsewhere.
        if header == "HTTP_COOKIE":
            secrets.extend(part.partition("=")[2].strip() for part in value.split(";"))
    return secrets


def _user_id(request):
    try:
        user = request.user
        return user.pk if user.is_authenticated else None
    except Exception:  # noqa: BLE001 - e.g. the database is down: log without the user
        return None


class RequestContextFilter(logging.Filter):
    """Add method, path, user id and status of the request being logged."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            record.method = request.method
            record.path = request.path
            record.user_id = _user_id(request)
            if hasattr(record, "status_code"):
                record.status = record.status_code
        return True


class RedactSecretsFilter(logging.Filter):
    """Render message and traceback once, without secrets."""

    def __init__(self, name=""):
        super().__init__(name)
        # Read once: the environment is set before logging is configured.
        self.secrets = configured_secrets()

    def filter(self, record):
        secrets = self.secrets
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "META"):
            secrets = [*secrets, *request_secrets(request)]
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string still gets logged
            message = str(record.msg)
        record.msg, record.args = redact(message, secrets), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        if getattr(record, "query", None):
            record.query = redact(redact_query(record.query), secrets)
        if getattr(record, "path", None):
            record.path = redact(record.path, secrets)
        return True


def _timestamp(record):
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context, exception."""

    def format(self, record):
        entry = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        entry["pid"] = record.process
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger: message key=value ...`` with the traceback below."""

    def format(self, record):
        context = " ".join(
            f"{field}={getattr(record, field)}"
            for field in CONTEXT_FIELDS
            if getattr(record, field, None) is not None
        )
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if context:
            line = f"{line} [{context}]"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line = f"{line}\n{record.exc_text}"
        return line


def stdout_logging(*, formatter: str, level: str, loggers: dict[str, str]) -> dict:
    """The dictConfig shared by Django and gunicorn: every record to stdout,
    through the request-context and secret-redacting filters.

    ``loggers`` maps logger names to their levels; they do not propagate, so
    each record is written once.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": "digest.logging.RequestContextFilter"},
            "redact_secrets": {"()": "digest.logging.RedactSecretsFilter"},
        },
        "formatters": {
            "json": {"()": "digest.logging.JsonFormatter"},
            "text": {"()": "digest.logging.TextFormatter"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_context", "redact_secrets"],
                "formatter": formatter,
            },
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            name: {"handlers": ["stdout"], "level": logger_level, "propagate": False}
            for name, logger_level in loggers.items()
        },
    }
