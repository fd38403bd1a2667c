"""A real HTTP receiver of REST notifications (a client's callback URL) for the outbox tests.

It runs in a thread of the test process on 127.0.0.1, records every request (JSON body and
headers) and answers from a script of HTTP status codes (204 when the script is empty).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class NotificatieOntvanger:
    __test__ = False

    def __init__(self, *script: int):
        self.script = list(script)
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.port = 0
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/callbacks/notificaties"

    def start(self) -> "NotificatieOntvanger":
        ontvanger = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with ontvanger.lock:
                    status = ontvanger.script.pop(0) if ontvanger.script else 204
                    ontvanger.received.append(
                        {
                            "path": self.path,
                            "json": json.loads(body),
                            "auth": self.headers.get("Authorization"),
                            "content_type": self.headers.get("Content-Type"),
                            "status": status,
                        }
                    )
                inhoud = b"" if status == 204 else b'{"detail": "script"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(inhoud)))
                self.end_headers()
                self.wfile.write(inhoud)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def bodies(self) -> list[dict]:
        return [r["json"] for r in self.received]
