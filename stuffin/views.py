"""The SOAP endpoints (SOAP 1.1, document/literal, as the StUF-FIN WSDLs define them).

These only do HTTP: authenticate, bound and read the body, hand it to the receiving service and
return its answer. Every error is a SOAP fault, never an HTML page.
"""

import functools
import logging
import posixpath
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from stuffin.auth import TeVeelPogingen, authenticate_koppeling
from stuffin.services import ontvangst
from stuffin.stuf import soap
from stuffin.stuf.fouten import Foutcode
from stuffin.stuf.xml import SCHEMA_DIR, parse_xml

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"

logger = logging.getLogger(__name__)


def _soap_response(inhoud: bytes, status: int, **headers) -> HttpResponse:
    response = HttpResponse(inhoud, status=status, content_type=soap.SOAP_CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@functools.cache
def _wsdl_template(relpath: str) -> bytes:
    return (SCHEMA_DIR / relpath).read_bytes()


def wsdl_for(request, relpath: str) -> bytes:
    """The official WSDL with this server's address, and its imports pointing at our copy of
    the schemas so tools (SoapUI, zeep) can resolve them."""
    root = parse_xml(_wsdl_template(relpath))
    base = posixpath.dirname(relpath)
    schemas_url = request.build_absolute_uri(reverse("stuffin:schema", kwargs={"pad": "x"}))[:-1]
    for el in root.iter(f"{{{WSDL_NS}}}import"):
        el.set(
            "location", schemas_url + posixpath.normpath(posixpath.join(base, el.get("location")))
        )
    for el in root.iter(f"{{{XSD_NS}}}import", f"{{{XSD_NS}}}include"):
        if el.get("schemaLocation"):
            el.set(
                "schemaLocation",
                schemas_url + posixpath.normpath(posixpath.join(base, el.get("schemaLocation"))),
            )
    endpoint = request.build_absolute_uri(request.path)
    for address in root.iter(f"{{{WSDL_SOAP_NS}}}address"):
        address.set("location", endpoint)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@method_decorator(csrf_exempt, name="dispatch")
class StufEndpoint(View):
    wsdl: str = ""
    foutsoort: str = "Fo03"
    handler = None

    def get(self, request):
        if any(key.lower() == "wsdl" for key in request.GET):
            return HttpResponse(
                wsdl_for(request, self.wsdl), content_type="text/xml; charset=utf-8"
            )
        return self._fault(
            405,
            Foutcode.STUF022,
            "Gebruik POST met een SOAP-bericht, of GET ?wsdl.",
            Allow="GET, POST",
        )

    def post(self, request):
        try:
            koppeling = authenticate_koppeling(request)
        except TeVeelPogingen as blokkade:
            return self._fault(
                429,
                Foutcode.STUF013,
                "Te veel mislukte aanmeldpogingen; probeer het later opnieuw.",
                Retry_After=str(blokkade.retry_after),
            )
        if koppeling is None:
            # Nothing is stored for unauthenticated requests.
            return self._fault(
                401,
                Foutcode.STUF013,
                "Authenticatie vereist (HTTP Basic).",
                WWW_Authenticate='Basic realm="StUF-FIN", charset="UTF-8"',
            )
        maximum = settings.STUF_MAX_BODY_BYTES
        try:
            lengte = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            lengte = 0
        if lengte > maximum:
            return self._fault(413, Foutcode.STUF055, f"Bericht groter dan {maximum} bytes.")
        if (
            not request.META.get("CONTENT_LENGTH")
            and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        ):
            # Chunked (no Content-Length): Django's request stream reads nothing then, so read
            # the WSGI stream, which a server that decodes chunks ends itself (PEP 3333 and
            # the wsgi.input_terminated convention of gunicorn, mod_wsgi, uWSGI).
            if not request.META.get("wsgi.input_terminated"):
                return self._fault(
                    411, Foutcode.STUF055, "Content-Length vereist (deze server leest geen chunks)."
                )
            body = request.META["wsgi.input"].read(maximum + 1)
        else:
            body = request.read(maximum + 1)
        if len(body) > maximum:
            return self._fault(413, Foutcode.STUF055, f"Bericht groter dan {maximum} bytes.")
        soapaction = soap.normaliseer_soapaction(request.META.get("HTTP_SOAPACTION"))
        try:
            antwoord = type(self).handler(body=body, soapaction=soapaction, koppeling=koppeling)
        except Exception:
            # Never an HTML error page: the caller gets a StUF fault and may offer it again.
            logger.exception(
                "Onverwachte fout bij het verwerken van een StUF-bericht van %s", koppeling
            )
            code = Foutcode.STUF046 if self.foutsoort == "Fo03" else Foutcode.STUF058
            return self._fault(
                500, code, "Interne fout; het bericht is niet verwerkt. Bied het later opnieuw aan."
            )
        if antwoord.foutcode:
            # A fault is an answer (logged by the service with its code), no server error.
            request.stuf_foutcode = antwoord.foutcode
        return _soap_response(antwoord.inhoud, antwoord.status)

    def http_method_not_allowed(self, request, *args, **kwargs):
        return self._fault(
            405, Foutcode.STUF022, f"Methode {request.method} niet toegestaan.", Allow="GET, POST"
        )

    def _fault(self, status: int, code: Foutcode, details: str, **headers) -> HttpResponse:
        # Marked so django.request does not log it again as an error (stuffin.logfilters).
        self.request.stuf_foutcode = code.code
        logger.log(
            logging.WARNING if status >= 500 else logging.INFO,
            "StUF %s %s (HTTP %s): %s",
            self.foutsoort,
            code.code,
            status,
            details,
        )
        inhoud = ontvangst.fault_without_message(code=code, details=details, soort=self.foutsoort)
        return _soap_response(inhoud, status, **headers)


class VerstrekVorderingOfVerantwoordingView(StufEndpoint):
    wsdl = "fin0310/proces/fin0310_verstrekVorderingOfVerantwoording_proces.wsdl"
    handler = staticmethod(ontvangst.verstrek_vordering_receive)


class BeantwoordVraagView(StufEndpoint):
    wsdl = "fin0310/vraagAntwoord/fin0310_beantwoordVraag.wsdl"
    foutsoort = "Fo02"
    handler = staticmethod(ontvangst.vrd_lv01_receive)


def schema_view(request, pad: str):
    """Serve a vendored schema/WSDL file (read-only, no path escapes)."""
    base = Path(SCHEMA_DIR).resolve()
    target = (base / pad).resolve()
    if base not in target.parents or target.suffix not in {".xsd", ".wsdl"} or not target.is_file():
        raise Http404("Onbekend schema")
    return HttpResponse(target.read_bytes(), content_type="text/xml; charset=utf-8")
