"""Every log line made while a request is handled carries that request's id, and in
production every line is one JSON object (docs/deployment.md, "Logs").

The id comes from the proxy's X-Request-ID header when it looks like an id (so that the
proxy's access log and ours can be matched), otherwise it is made here; it goes back on the
response's X-Request-ID header, where a person reporting a problem can find it.
"""

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What we accept from outside: short, and nothing that could forge a log line or a field.
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Outside a request (the worker, a command) the id is "-", as gunicorn writes a missing value.
NO_REQUEST = "-"

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NO_REQUEST)


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that what every other middleware logs carries the id too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        current = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        # Kept until the response is closed (below): Django logs an error response's status,
        # and gunicorn writes its access line, after the middleware has returned.
        request_id.set(current)
        response = self.get_response(request)
        response[HEADER] = current
        return response


@receiver(request_finished)
def _request_finished(**kwargs: object) -> None:
    request_id.set(NO_REQUEST)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record as `request_id` (LOGGING's handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


# The attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, any
    `extra=` values, and the traceback as one string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                line.setdefault(key, value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)
