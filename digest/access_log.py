"""gunicorn's access log as records carrying digest's fields.

gunicorn's own ``Logger.access`` builds, for every request, a dict of every
request header, response header and environ variable, and a strftime'd date,
to fill a format string; digest logs a few named fields instead
(``digest.logging``). Building just those fields is what keeps the access log
from costing a fifth of a cached page's time (README, "Performance").
The record then goes through the same handler, filters and formatter as every
other log line, so redaction stays in one place.
"""

import logging
import traceback

from gunicorn.glogging import Logger

LOGGER_NAME = "gunicorn.access"


def access_record(status, sent, environ, request_time):
    """The log record of one request: "GET /path 200", the details as fields."""
    method = environ.get("REQUEST_METHOD")
    path = environ.get("PATH_INFO")
    record = logging.LogRecord(
        LOGGER_NAME, logging.INFO, __file__, 0, "%s %s %s", (method, path, status), None
    )
    fields = {
        "remote_addr": environ.get("REMOTE_ADDR"),
        "method": method,
        "path": path,
        "query": environ.get("QUERY_STRING"),
        "status": status,
        "bytes": sent,
        "duration_ms": request_time.seconds * 1000 + request_time.microseconds // 1000,
        "referer": environ.get("HTTP_REFERER"),
        "user_agent": environ.get("HTTP_USER_AGENT"),
        "request_id": environ.get("HTTP_X_REQUEST_ID"),
    }
    for name, value in fields.items():
        if value is not None and value != "":
            setattr(record, name, value)
    return record


class AccessLogger(Logger):
    """gunicorn's logger, with the access line built by ``access_record``."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled or not self.access_log.isEnabledFor(logging.INFO):
            return
        try:
            record = access_record(resp.status_code, resp.sent, environ, request_time)
            self.access_log.handle(record)
        except Exception:  # noqa: BLE001 - as gunicorn does: a log line never fails a request
            self.error(traceback.format_exc())
