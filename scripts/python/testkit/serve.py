"""Serve wheels the ways pip fetches them: a find-links directory and a PEP 503 index over HTTP.

The HTTP index binds 127.0.0.1 on a free port and can misbehave on purpose, per file:
drop the connection mid-body, stall mid-body, hand back damaged bytes, or answer 404.
"""

from __future__ import annotations

import enum
import hashlib
import html
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from .models import corrupt_bytes


class Fault(enum.Enum):
    DROP_MID_BODY = "drop_mid_body"  # full Content-Length promised, half sent, socket closed
    CORRUPT = "corrupt"  # right length, damaged bytes
    NOT_FOUND = "not_found"  # listed in the index, 404 when fetched
    STALL = "stall"  # headers and half the body, then silence until stall_seconds or shutdown


def normalize(name: str) -> str:
    """PEP 503 project name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_of(wheel_filename: str) -> str:
    return normalize(wheel_filename.split("-", 1)[0])


def make_find_links(directory: str | os.PathLike, wheels: list[Path]) -> Path:
    """A directory holding exactly these wheels, for ``pip --no-index --find-links DIR``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        shutil.copyfile(wheel, directory / Path(wheel).name)
    return directory


class WheelIndex:
    """A PEP 503 simple index plus direct wheel URLs, served from a thread.

    Use as a context manager. ``index_url`` goes to ``pip --index-url``; ``wheel_url(name)`` is a
    direct download URL. ``advertise_hashes`` puts ``#sha256=`` on index links, as PyPI does, so
    pip itself rejects damaged downloads; turn it off to let damaged bytes reach the caller.
    ``requests`` records every path asked for, in order.
    """

    def __init__(
        self, wheels: Iterable[Path] = (), *, advertise_hashes: bool = True, stall_seconds: float = 60
    ) -> None:
        self.advertise_hashes = advertise_hashes
        self.stall_seconds = stall_seconds
        self._stopping = threading.Event()
        self._files: dict[str, bytes] = {}
        self._faults: dict[str, Fault] = {}
        self._lock = threading.Lock()
        self.requests: list[str] = []
        for wheel in wheels:
            self.add(wheel)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def add(self, wheel: str | os.PathLike, fault: Fault | None = None) -> str:
        wheel = Path(wheel)
        with self._lock:
            self._files[wheel.name] = wheel.read_bytes()
            if fault is not None:
                self._faults[wheel.name] = fault
        return wheel.name

    def set_fault(self, filename: str, fault: Fault | None) -> None:
        with self._lock:
            if fault is None:
                self._faults.pop(filename, None)
            else:
                self._faults[filename] = fault

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("WheelIndex is not running; use it as a context manager")
        # A TCP server's address is (str, int); typeshed's bytes variant is for AF_UNIX sockets.
        host, port = cast(tuple[str, int], self._server.server_address[:2])
        return f"http://{host}:{port}"

    @property
    def index_url(self) -> str:
        return f"{self.base_url}/simple/"

    def wheel_url(self, filename: str) -> str:
        return f"{self.base_url}/wheels/{filename}"

    def __enter__(self) -> WheelIndex:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None

    def _snapshot(self) -> tuple[dict[str, bytes], dict[str, Fault]]:
        with self._lock:
            return dict(self._files), dict(self._faults)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        index = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def do_GET(self):
                path = unquote(urlsplit(self.path).path)
                with index._lock:
                    index.requests.append(path)
                files, faults = index._snapshot()
                parts = [p for p in path.split("/") if p]
                if parts == ["simple"]:
                    projects = sorted({project_of(f) for f in files})
                    links = "".join(f'<a href="/simple/{p}/">{p}</a>\n' for p in projects)
                    return self._send_html(links)
                if len(parts) == 2 and parts[0] == "simple":
                    project = normalize(parts[1])
                    if parts[1] != project:
                        # pip asks for the normalised name; redirecting others is what PyPI does.
                        return self._redirect(f"/simple/{project}/")
                    names = sorted(f for f in files if project_of(f) == project)
                    if not names:
                        return self._send_status(HTTPStatus.NOT_FOUND)
                    links = "".join(self._link(n, files[n]) for n in names)
                    return self._send_html(links)
                if len(parts) == 2 and parts[0] in ("wheels", "files") and parts[1] in files:
                    return self._send_wheel(parts[1], files[parts[1]], faults.get(parts[1]))
                return self._send_status(HTTPStatus.NOT_FOUND)

            def _link(self, name: str, data: bytes) -> str:
                href = f"/files/{name}"
                if index.advertise_hashes:
                    href += f"#sha256={hashlib.sha256(data).hexdigest()}"
                return f'<a href="{html.escape(href)}">{html.escape(name)}</a>\n'

            def _send_html(self, body_links: str) -> None:
                body = f"<!DOCTYPE html><html><body>\n{body_links}</body></html>\n".encode()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, location: str) -> None:
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _send_status(self, status: HTTPStatus) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _send_wheel(self, name: str, data: bytes, fault: Fault | None) -> None:
                if fault is Fault.NOT_FOUND:
                    return self._send_status(HTTPStatus.NOT_FOUND)
                if fault is Fault.CORRUPT:
                    data = corrupt_bytes(data)
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if fault is Fault.STALL:
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    index._stopping.wait(index.stall_seconds)
                    self.close_connection = True
                    return None
                if fault is Fault.DROP_MID_BODY:
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    # A reset, not a polite close, is what a dropped connection looks like.
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return None
                self.wfile.write(data)
                return None

        return Handler
