"""Log records with the request id, as JSON lines or text (issue #15).

The request id lives in a contextvar set by config.middleware.RequestIdMiddleware, so every
record logged while a request is handled carries it, whatever logger wrote it.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

# "-" outside a request (commands, Celery tasks, startup).
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else was passed with `extra=` and goes into the JSON.
_STANDAARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` (the current request's id, or "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class ZonderProbesFilter(logging.Filter):
    """Drops request lines of health probes (load balancers ask every few seconds)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "/health/" not in record.getMessage()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    exception text and any `extra=` fields."""

    def format(self, record: logging.LogRecord) -> str:
        regel = {
            "tijd": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "niveau": record.levelname,
            "logger": record.name,
            "bericht": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for sleutel, waarde in record.__dict__.items():
            if sleutel not in _STANDAARD and not sleutel.startswith("_"):
                regel[sleutel] = waarde
        if record.exc_info:
            regel["exceptie"] = self.formatException(record.exc_info)
        if record.stack_info:
            regel["stack"] = self.formatStack(record.stack_info)
        return json.dumps(regel, ensure_ascii=False, default=str)
