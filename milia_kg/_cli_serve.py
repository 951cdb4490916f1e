"""The ``serve`` command of the ``milia-kg`` CLI (:func:`register` adds it to the group).

The socket is bound here, before uvicorn starts, so a busy port or a bad address is one
``milia-kg: error: ...`` line and exit 2 like every other bad input (uvicorn would log and exit 1).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from collections.abc import Iterator
from typing import Any

import click

from milia_kg._cli_query import reasoner_option
from milia_kg.errors import MiliaKGError

__all__ = ["register"]


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``.

    :raises MiliaKGError: if the address cannot be bound (busy port, unknown host).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
            sock.listen(128)
        except OSError:
            sock.close()
            raise
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise MiliaKGError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock


def _server(config: Any) -> Any:
    """A uvicorn server that stops gracefully on SIGINT/SIGTERM and then exits 0: uvicorn's own
    re-raises the signal after shutting down, so a plain ``kill`` would look like a crash."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            handled = (signal.SIGINT, signal.SIGTERM)
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server(config)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; the service has no authentication).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one and prints it).")
@click.option("--timeout", metavar="SECONDS", type=float, default=None,
              help="Stop a query that runs longer (default 10).")
@click.option("--max-rows", metavar="N", type=int, default=None,
              help="Refuse an answer with more rows or triples (default 10000).")
@reasoner_option
def serve_command(host: str, port: int, timeout: float | None, max_rows: int | None, reasoner: str) -> None:
    """Serve the graph read-only over HTTP: SPARQL at /sparql, the catalogue at /api/queries, a web page at /."""
    try:
        import uvicorn

        from milia_kg.serve import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, create_app
    except ImportError as exc:
        raise MiliaKGError(f"serve needs FastAPI and uvicorn ({exc.name} is missing): "
                           "pip install 'milia-kg[serve]'") from None
    from milia_kg.kg import KnowledgeGraph

    kg = KnowledgeGraph.open(reasoner=reasoner).with_limits(
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        max_rows=DEFAULT_MAX_ROWS if max_rows is None else max_rows,
    )
    sock = _listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"milia-kg serve: listening on http://{shown}:{bound}/ (SPARQL at /sparql; "
               f"{kg.limits.timeout:g} s and {kg.limits.max_rows} rows a query)", err=True)
    config = uvicorn.Config(create_app(kg), log_level="warning", access_log=False, lifespan="off")
    server = _server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    click.echo("milia-kg serve: stopped", err=True)
    sys.stdout.flush()


def register(group: click.Group) -> None:
    """Add the ``serve`` command to ``group``."""
    group.add_command(serve_command)
