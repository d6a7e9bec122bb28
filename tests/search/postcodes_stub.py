"""A local stand-in for postcodes.io: known postcodes, and switches for slowness and errors."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote


class PostcodesStub:
    """Serves GET /postcodes/<postcode> on 127.0.0.1 in postcodes.io's JSON shape."""

    def __init__(self, known: dict[str, tuple[float, float]]) -> None:
        self.known = {
            "".join(pc.split()).upper(): (pc, lat, lon) for pc, (lat, lon) in known.items()
        }
        self.delay = 0.0
        self.fail_status: int | None = None
        self.requests: list[str] = []
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PostcodesStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def respond(self, path: str) -> tuple[int, dict]:
        """The status and JSON body for a request path."""
        self.requests.append(path)
        if self.delay:
            self._stopping.wait(self.delay)
        if self.fail_status is not None:
            return self.fail_status, {"status": self.fail_status, "error": "Server error"}
        prefix = "/postcodes/"
        compact = "".join(unquote(path[len(prefix) :]).split()).upper()
        if not path.startswith(prefix) or not compact:
            return 404, {"status": 404, "error": "Resource not found"}
        if compact not in self.known:
            return 404, {"status": 404, "error": "Postcode not found"}
        postcode, lat, lon = self.known[compact]
        result = {"postcode": postcode, "latitude": lat, "longitude": lon, "outcode": postcode[:-4]}
        return 200, {"status": 200, "result": result}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                status, body = stub.respond(self.path)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting (the timeout tests)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
