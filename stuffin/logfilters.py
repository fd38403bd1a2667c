"""Logging filters of the StUF endpoints."""

import logging


class StufFoutFilter(logging.Filter):
    """Drops django.request's "Internal Server Error" for a StUF fault answer.

    A SOAP fault is HTTP 500 by the protocol binding, also for a caller's mistake (a claim
    already known, a schema error). The view marks such a request (``request.stuf_foutcode``)
    and the service logs the fault with its code at INFO or WARNING; a real error is logged at
    ERROR with its traceback where it happened. Attach to the ``django.request`` logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        return not getattr(request, "stuf_foutcode", "")
