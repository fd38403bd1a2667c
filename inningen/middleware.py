"""Defence in depth against input no form should ever see: a NUL character in the query string
or in form fields is answered 400 before any view (or database) gets it. PostgreSQL refuses
NUL in text, so such input would otherwise surface as a 500. The forms refuse it as well
(Django's CharField has ProhibitNullCharactersValidator); this catches what a view reads
without a form. Other bodies (StUF XML) are left to their own endpoint's handling."""

from django.http import HttpResponseBadRequest, JsonResponse

_FORMULIEREN = ("application/x-www-form-urlencoded", "multipart/form-data")


def _heeft_nul(querydict) -> bool:
    return any("\x00" in k or any("\x00" in w for w in v) for k, v in querydict.lists())


class NulTekenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _heeft_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in _FORMULIEREN
            and _heeft_nul(request.POST)
        ):
            melding = (
                "Ongeldig verzoek: de invoer bevat een NUL-teken (\\0). Verwijder het en probeer "
                "het opnieuw."
            )
            if request.path.startswith("/api/"):
                # The REST API answers every error as problem+json (RFC 9457).
                return JsonResponse(
                    {
                        "type": "urn:inningen:problem:invalid",
                        "title": "Ongeldig verzoek",
                        "status": 400,
                        "detail": melding,
                        "instance": request.path,
                        "code": "invalid",
                    },
                    status=400,
                    content_type="application/problem+json",
                )
            return HttpResponseBadRequest(melding, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
