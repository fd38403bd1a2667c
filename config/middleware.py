"""Request id per HTTP request (issue #15): taken from the proxy's X-Request-ID when it looks
like an id, otherwise generated; echoed in the response and put in every log record."""

import re
import uuid

from config.logging import request_id_var

HEADER = "X-Request-ID"
# Ids of common proxies (nginx $request_id, UUIDs, AWS trace ids); nothing that could break a
# log line or carry a payload.
_GELDIG = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")


def request_id_from(waarde: str | None) -> str:
    if waarde and _GELDIG.fullmatch(waarde):
        return waarde
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response
