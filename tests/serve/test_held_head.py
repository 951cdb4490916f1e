"""A response's head goes out with its body, in one write (milia_kg/serve/connections.py)."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="milia-kg serve needs the 'serve' extra (FastAPI, uvicorn)")

from milia_kg.serve.connections import HeldHead

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class Transport:
    """Records what reaches the socket."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    def write(self, data: bytes) -> None:
        self.events.append(bytes(data))

    def close(self) -> None:
        self.events.append("close")

    def abort(self) -> None:
        self.events.append("abort")

    def write_eof(self) -> None:
        self.events.append("eof")

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str) -> str:
        return f"info {name}"


def test_head_and_body_in_one_write() -> None:
    raw = Transport()
    held = HeldHead(raw)  # type: ignore[arg-type]  # a stand-in transport
    held.write(HEAD)
    assert raw.events == []
    held.write(memoryview(b"ok"))
    held.write(HEAD)
    held.write(b"no")
    assert raw.events == [HEAD + b"ok", HEAD + b"no"]


def test_interim_and_other_writes_pass_at_once() -> None:
    raw = Transport()
    held = HeldHead(raw)  # type: ignore[arg-type]
    held.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    held.write(b"5\r\nhello\r\n")
    assert raw.events == [b"HTTP/1.1 100 Continue\r\n\r\n", b"5\r\nhello\r\n"]


@pytest.mark.parametrize(("end", "expected"), [
    ("flush", [HEAD]),
    ("close", [HEAD, "close"]),
    ("write_eof", [HEAD, "eof"]),
    ("abort", ["abort"]),  # an aborted connection sends nothing more
])
def test_held_head_at_the_end(end: str, expected: list[Any]) -> None:
    raw = Transport()
    held = HeldHead(raw)  # type: ignore[arg-type]
    held.write(HEAD)
    getattr(held, end)()
    held.flush()  # nothing is left to write twice
    assert raw.events == expected


def test_everything_else_is_the_transports() -> None:
    held = HeldHead(Transport())  # type: ignore[arg-type]
    assert held.get_extra_info("peername") == "info peername"
    assert held.is_closing() is False


def test_served_answer_arrives_in_one_segment(served_url: str) -> None:
    """Through the real server: the first receive holds the head and the whole body (a HEAD
    request, whose answer has no body write, is not held back)."""
    host, port = served_url.removeprefix("http://").split(":")
    for method, has_body in (("GET", True), ("HEAD", False)):
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(f"{method} /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            first = conn.recv(1 << 16)
        head, _, body = first.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")))
        assert len(body) == (length if has_body else 0)


@pytest.fixture(scope="module")
def served_url() -> Any:
    """A real uvicorn server with the service's protocol, on loopback, stopped after the module."""
    import asyncio

    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from milia_kg.serve.connections import uvicorn_options

    async def health(request: Any) -> JSONResponse:
        return JSONResponse({"status": "ok", "padding": "x" * 2000})

    app = Starlette(routes=[Route("/health", health, methods=["GET", "HEAD"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", **uvicorn_options(5.0, 16))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()
