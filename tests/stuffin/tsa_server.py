"""A real HTTP test TSA (or finance system) for our outgoing StUF messages.

It runs in a thread of the test process on 127.0.0.1, records every request and answers from
a script: "bv03" (default), "fo03", an HTTP status code, or ("sleep", seconds) before a Bv03.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone
from lxml import etree

from stuffin.stuf import build, soap
from stuffin.stuf.berichten import Systeem
from stuffin.stuf.fouten import Foutcode, StufFout
from stuffin.stuf.parse import parse_stuurgegevens

FIN = "{http://www.egem.nl/StUF/sector/fin/0310}"


class TestTsa:
    __test__ = False  # not a pytest test class

    def __init__(self, *script, port: int = 0):
        self.script = list(script)
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.port = port
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/stuf"

    def start(self) -> "TestTsa":
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real SOAP servers do
            disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between header and body

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with tsa.lock:
                    actie = tsa.script.pop(0) if tsa.script else "bv03"
                    tsa.received.append(
                        {
                            "body": body,
                            "soapaction": self.headers.get("SOAPAction"),
                            "auth": self.headers.get("Authorization"),
                            "actie": actie,
                        }
                    )
                if isinstance(actie, tuple) and actie[0] == "sleep":
                    time.sleep(actie[1])
                    actie = "bv03"
                if isinstance(actie, int):
                    self._send(actie, b"Service Unavailable", "text/plain")
                    return
                stuf_el = soap.unwrap_envelope(etree.fromstring(body))
                sg = parse_stuurgegevens(stuf_el.find(FIN + "stuurgegevens"))
                eigen = Systeem(applicatie="TSA")
                if actie == "fo03":
                    fout = build.build_fo03(
                        fout=StufFout(Foutcode.STUF058, "Vordering onbekend bij de TSA"),
                        ontvangen=sg,
                        eigen=eigen,
                        referentienummer="tsa-fout",
                        tijdstip=timezone.now(),
                    )
                    self._send(
                        500,
                        soap.fault_envelope(fout, plek="server", omschrijving="Proces geeft fout"),
                    )
                    return
                bv03 = build.build_bv03(
                    ontvangen=sg, eigen=eigen, referentienummer="tsa-ok", tijdstip=timezone.now()
                )
                self._send(200, soap.envelope(bv03))

            def _send(self, status, content, content_type=soap.SOAP_CONTENT_TYPE):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def bodies(self) -> list[etree._Element]:
        return [soap.unwrap_envelope(etree.fromstring(r["body"])) for r in self.received]
