"""Errors as application/problem+json (RFC 9457): ``status``, ``title``, ``detail``; business-rule
refusals add ``code`` (the FIN/StUF code the SOAP side uses), field errors ``invalidParams``.
Never a traceback or library internals."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from stuffin.stuf.fouten import Foutcode, StufFout

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

# A business-rule refusal's HTTP status: the claim exists already (409), the client may not
# send for that organisation or TSA code (403), anything else is a valid request that breaks a
# rule (422).
_STATUS_PER_CODE = {
    Foutcode.FIN001: status.HTTP_409_CONFLICT,
    Foutcode.FIN009: status.HTTP_403_FORBIDDEN,
    Foutcode.FIN010: status.HTTP_403_FORBIDDEN,
    Foutcode.FIN014: status.HTTP_404_NOT_FOUND,
}

TITELS = {
    400: "Ongeldig verzoek",
    401: "Niet geauthenticeerd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    415: "Mediatype niet ondersteund",
    422: "Verzoek voldoet niet aan de regels",
    429: "Te veel verzoeken",
    500: "Interne fout",
}


def problem(
    http_status: int,
    detail: str,
    *,
    title: str = "",
    code: str = "",
    invalid_params: list[dict] | None = None,
    instance: str = "",
    headers: dict | None = None,
) -> Response:
    body = {
        "type": f"urn:inningen:problem:{code}" if code else "about:blank",
        "title": title or TITELS.get(http_status, "Fout"),
        "status": http_status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if code:
        body["code"] = code
    if invalid_params:
        body["invalidParams"] = invalid_params
    return Response(body, status=http_status, headers=headers, content_type=PROBLEM_JSON)


def stuf_fout_problem(fout: StufFout, *, instance: str = "") -> Response:
    return problem(
        _STATUS_PER_CODE.get(fout.code, status.HTTP_422_UNPROCESSABLE_ENTITY),
        fout.details or fout.omschrijving,
        title=fout.omschrijving,
        code=fout.code.code,
        instance=instance,
    )


def invalid_params(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error dict as a flat list: name "regels.0.bedragInclBtw"."""
    result = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            naam = f"{prefix}.{key}" if prefix else str(key)
            if key == "non_field_errors":
                naam = prefix or "body"
            result.extend(invalid_params(value, naam))
    elif isinstance(detail, list):
        if all(isinstance(d, exceptions.ErrorDetail) for d in detail):
            result.extend(
                {"name": prefix or "body", "code": d.code or "invalid", "reason": str(d)}
                for d in detail
            )
        else:
            for i, value in enumerate(detail):
                if value:
                    result.extend(invalid_params(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        result.append(
            {
                "name": prefix or "body",
                "code": getattr(detail, "code", None) or "invalid",
                "reason": str(detail),
            }
        )
    return result


def exception_handler(exc, context):
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, StufFout):
        return stuf_fout_problem(exc, instance=instance)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Niet gevonden of niet in uw scope.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status.HTTP_400_BAD_REQUEST,
            "Het verzoek bevat ongeldige velden; zie invalidParams.",
            code="invalid",
            invalid_params=invalid_params(exc.detail),
            instance=instance,
        )
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else ""
        return problem(exc.status_code, str(detail), code=code, instance=instance, headers=headers)
    # An unexpected error: logged with its traceback, answered without it.
    logger.exception("Onverwachte fout in %s", instance)
    return problem(
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        "Er ging iets mis aan onze kant; er is niets gewijzigd. Probeer het later opnieuw.",
        instance=instance,
    )
