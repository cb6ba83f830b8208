"""A stand-in Najva on 127.0.0.1 for the tests and the benchmark: a real HTTP server in a thread
that speaks the contract of docs/najva-api.md and counts what it registered.

``mode`` is "up", "slow" (answers after ``delay`` seconds; the registration is made on arrival,
as a real server would before a slow answer), "trickle" (its whole answer, status line and
headers included, sent a byte every ``delay`` seconds), "error" (500), "refuse" (422, a request
Najva will never accept), "redirect" (307 elsewhere); ``stop()`` takes it down (connection
refused).
Registrations are idempotent on the Idempotency-Key header.
"""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubNajva:
    def __init__(self, token: str = "test-token"):  # noqa: S107 (a test stub's token)
        self.token = token
        self.mode = "up"
        self.delay = 0.0
        self.lock = threading.Lock()
        self.registered: dict[str, str] = {}  # idempotency key -> tracking number
        self.calls: dict[str, int] = {}  # idempotency key -> requests received
        self.bodies: dict[str, dict] = {}
        with socket.socket() as probe:  # a free port, kept for the stub's whole life
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict):
                data = json.dumps(body).encode()
                if stub.mode == "trickle":
                    return self._trickle(status, data)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _trickle(self, status: int, data: bytes):
                head = (
                    f"HTTP/1.1 {status} Trickled\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
                )
                self.close_connection = True
                try:
                    for byte in head.encode() + data:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(stub.delay)
                except OSError:  # the client cut the call
                    pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                key = self.headers.get("Idempotency-Key", "")
                if self.headers.get("Authorization") != f"Bearer {stub.token}":
                    return self._send(401, {"error": "unauthorized"})
                if stub.mode == "error":
                    return self._send(500, {"error": "internal", "message": "stub error"})
                if stub.mode == "redirect":
                    self.send_response(307)
                    self.send_header("Location", "http://127.0.0.1:9/v1/cancellations")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if stub.mode == "refuse":
                    return self._send(
                        422, {"error": "invalid_document", "message": "document not found"}
                    )
                if not key or body.get("idempotency_key") != key:
                    return self._send(400, {"error": "bad_request", "message": "key"})
                with stub.lock:
                    stub.calls[key] = stub.calls.get(key, 0) + 1
                    first = key not in stub.registered
                    if first:
                        stub.registered[key] = f"NJS-{len(stub.registered) + 1:07d}"
                        stub.bodies[key] = body
                    number = stub.registered[key]
                if stub.mode == "slow":
                    time.sleep(stub.delay)
                self._send(
                    201 if first else 200, {"tracking_number": number, "replayed": not first}
                )

            def do_GET(self):
                parts = self.path.strip("/").split("/")
                if len(parts) == 4 and parts[:2] == ["v1", "documents"]:
                    with stub.lock:
                        found = [
                            n
                            for k, n in stub.registered.items()
                            if stub.bodies[k]["document_type"] == parts[2]
                            and stub.bodies[k]["document_number"] == parts[3]
                        ]
                    if found:
                        return self._send(200, {"status": "cancelled", "tracking_number": found[0]})
                    return self._send(200, {"status": "unknown"})
                self._send(404, {"error": "not_found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        """Down: nothing listens on the port any more (connection refused)."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def total_registrations(self) -> int:
        return len(self.registered)

    def duplicates(self) -> int:
        """Documents registered more than once (under different keys): a doubled cancellation."""
        with self.lock:
            documents = [(b["document_type"], b["document_number"]) for b in self.bodies.values()]
        return len(documents) - len(set(documents))
