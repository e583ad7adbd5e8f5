"""The logs of `msops serve`: one JSON object a line, with no personal data in any of them.

Each line has `time` (UTC, ISO 8601), `level`, `logger` and `message`, and for a request (the
`msops.access` logger) `method`, `route` (the template, e.g. `/operations/{org}/{ref:path}`),
`status` and `duration_ms`. No path, query string, header or body is ever logged: paths hold
operation references, and bodies hold personal data. Of an exception only its type and where it
was raised are written, never its message or traceback (which may quote values).
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

# The extra fields a record may carry (`log.info(..., extra={...})`) that a line shows.
FIELDS = ("method", "route", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
            frames = traceback.extract_tb(record.exc_info[2]) if record.exc_info[2] else []
            if frames:
                line["where"] = f"{frames[-1].filename}:{frames[-1].lineno}"
        return json.dumps(line, ensure_ascii=False, default=str)


PLAIN = "%(asctime)s %(levelname)s %(name)s %(message)s"


def log_config(fmt: str = "json") -> dict[str, Any]:
    """The logging configuration (`logging.config.dictConfig`) for Uvicorn and msops: JSON
    lines (`fmt` "json") or plain text ("plain"), on standard error. Uvicorn's own access log is
    silenced: it would write the path and query string; `msops.access` writes the route."""
    handler = {"class": "logging.StreamHandler", "formatter": fmt, "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "msops.web.logs.JsonFormatter"},
            "plain": {"format": PLAIN},
        },
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "msops": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }
