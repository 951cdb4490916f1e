"""Real triple stores for the tests: an Oxigraph server, Virtuoso Open Source 7 and Comunica.

Each runs as a child process on free loopback ports with its database in a temporary folder, is
polled until it answers a SPARQL ``ASK`` (bounded), and is stopped by its process id (terminate,
then kill). Oxigraph comes from the test extra (PyPI ``oxigraph``) and is never skipped; Virtuoso
comes from Debian and Comunica from npm (``.ci/install-stores``), and :func:`virtuoso_missing` and
:func:`comunica_missing` say why they cannot run.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: Seconds a store may take to answer its first query.
READY_TIMEOUT = 60.0
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: Pinned in .ci/install-comunica, which installs it (and Node 22 where the system's is older) here.
COMUNICA_VERSION = "5.3.0"
COMUNICA_DIR = (Path(os.environ.get("MILIA_KG_TOOLS_DIR") or Path.home() / ".cache" / "milia-kg-tools")
                / f"comunica-{COMUNICA_VERSION}")
#: Makes Comunica's endpoint, which listens on every interface, listen on 127.0.0.1 only.
LOOPBACK_JS = Path(__file__).resolve().parent / "fixtures" / "loopback-only.cjs"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sparql_json(url: str, query: str, timeout: float = 10.0, graph: str | None = None) -> dict:
    """POST ``query`` to ``url`` and return the SPARQL JSON results (no retries: a probe)."""
    form = {"query": query} | ({"default-graph-uri": graph} if graph else {})
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(form).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def count_triples(url: str, graph: str | None = None) -> int:
    """The number of triples in ``graph`` (the default graph when ``None``)."""
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    data = sparql_json(url, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(data["results"]["bindings"][0]["n"]["value"])


def child_pids(pid: int) -> list[int]:
    """The ids of the processes whose parent is ``pid`` (read from /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # the command may hold spaces and parentheses: the fields after the last ")"
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return children


def _gone(pid: int) -> bool:
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        return state in ("Z", "X")
    return True


def stop_process(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop ``process`` and the processes it started (Comunica's workers) by their ids: SIGTERM,
    then SIGKILL after ``grace`` seconds."""
    if process.poll() is not None:
        return
    children = child_pids(process.pid)
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(grace)
    for sig in (signal.SIGTERM, signal.SIGKILL):  # not our children to wait for: poll /proc
        alive = [pid for pid in children if not _gone(pid)]
        for pid in alive:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while alive and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = [pid for pid in alive if not _gone(pid)]
        if not alive:
            return


@dataclass(kw_only=True)
class Server:
    """A store running as a child process; ``query_url`` answers SPARQL queries."""

    name: str
    folder: Path
    port: int
    process: subprocess.Popen | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.folder / f"{self.name}.log"

    @property
    def query_url(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> Server:
        """Start the process and wait (at most :data:`READY_TIMEOUT` s) until it answers ``ASK``."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, cwd=self.folder)
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.tail()}")
            with contextlib.suppress(OSError, ValueError):
                if "boolean" in sparql_json(self.query_url, "ASK { }", timeout=2):
                    return self
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} not ready within {READY_TIMEOUT:g} s: {self.tail()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def kill(self) -> None:
        """SIGKILL, no shutdown: what a crash looks like to the store."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def tail(self) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return " | ".join(text.strip().splitlines()[-5:])


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of the test extra (next to this Python, else on ``PATH``)."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is missing: pip install '.[test]' installs it")
    return found


@dataclass(kw_only=True)
class OxigraphServer(Server):
    """``oxigraph serve`` on a database folder: ``/query``, ``/update`` and ``/store`` (GSP)."""

    name: str = "oxigraph"

    @property
    def location(self) -> Path:
        return self.folder / "db"

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def command(self) -> list[str]:
        return [oxigraph_binary(), "serve", "--location", str(self.location),
                "--bind", f"127.0.0.1:{self.port}"]

    def load(self, path: Path, graph: str | None = None) -> None:
        """Bulk-load an RDF file (before :meth:`start`: the database is locked while serving)."""
        extra = ["--graph", graph] if graph else []
        subprocess.run([oxigraph_binary(), "load", "--location", str(self.location),
                        "--file", str(path), *extra], check=True, capture_output=True, timeout=120)


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot run here, or ``None`` when it can."""
    missing = [c for c in ("virtuoso-t", "isql-vt") if shutil.which(c) is None]
    if missing or not VIRTUOSO_INI.exists():
        return (f"Virtuoso Open Source 7 is not installed ({', '.join(missing) or VIRTUOSO_INI} "
                "missing; .ci/install-stores installs the Debian package virtuoso-opensource)")
    return None


@dataclass(kw_only=True)
class VirtuosoServer(Server):
    """``virtuoso-t`` in the foreground with its own ini: database, ports and DirsAllowed in ``folder``."""

    name: str = "virtuoso"
    sql_port: int = 0

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def command(self) -> list[str]:
        ini = self.folder / "virtuoso.ini"
        ini.write_text(self._ini(), encoding="utf-8")
        return ["virtuoso-t", "+configfile", str(ini), "+foreground"]

    def _ini(self) -> str:
        """The packaged virtuoso.ini with every path in ``folder`` and loopback ports."""
        lines, section = [], ""
        for line in VIRTUOSO_INI.read_text(encoding="utf-8").splitlines():
            if match := re.match(r"\s*\[(\w+)\]", line):
                section = match.group(1)
            line = line.replace("/var/lib/virtuoso-opensource-7/db/", f"{self.folder}/")
            if re.match(r"\s*ServerPort\s*=", line):
                port = self.sql_port if section == "Parameters" else self.port
                line = f"ServerPort = 127.0.0.1:{port}"
            elif re.match(r"\s*DirsAllowed\s*=", line):
                line = f"DirsAllowed = ., {self.folder}, /usr/share/virtuoso-opensource-7/vad"
            lines.append(line)
        return "\n".join(lines) + "\n"

    def isql(self, sql: str) -> str:
        """Run SQL through ``isql-vt`` as ``dba``; raise with its output on an error."""
        done = subprocess.run(["isql-vt", str(self.sql_port), "dba", "dba", f"exec={sql}"],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed: {(done.stdout + done.stderr).strip()[-500:]}")
        return done.stdout

    def load(self, path: Path, graph: str) -> None:
        """Load a Turtle or N-Triples file into ``graph`` with ``DB.DBA.TTLP_MT``."""
        copy = self.folder / path.name  # DirsAllowed covers the folder
        if copy != path:
            shutil.copyfile(path, copy)
        self.isql(f"DB.DBA.TTLP_MT(file_to_string_output('{copy}'), '', '{graph}'); checkpoint;")


def comunica_missing() -> str | None:
    """Why Comunica cannot run here, or ``None`` when it can."""
    node = COMUNICA_DIR / "node_modules" / ".bin" / "node"
    endpoint = COMUNICA_DIR / "node_modules" / "@comunica" / "query-sparql-file" / "bin" / "http.js"
    missing = [str(p) for p in (node, endpoint) if not p.exists()]
    if missing:
        return (f"Comunica {COMUNICA_VERSION} is not installed ({', '.join(missing)} missing; "
                ".ci/install-comunica installs it with npm)")
    version = subprocess.run([str(node), "--version"], capture_output=True, text=True, timeout=30).stdout
    if not re.match(r"v(2[2-9]|[3-9]\d)\.", version):
        return f"Comunica {COMUNICA_VERSION} needs Node 22 or later; {node} is {version.strip() or 'broken'}"
    return None


@dataclass(kw_only=True)
class ComunicaServer(Server):
    """``comunica-sparql-file-http`` over one RDF file (its default graph), read when it starts."""

    name: str = "comunica"
    source: Path
    #: Seconds Comunica lets a query run before it restarts the worker that runs it.
    query_timeout: int = 120

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def command(self) -> list[str]:
        modules = COMUNICA_DIR / "node_modules"
        return [str(modules / ".bin" / "node"), "--require", str(LOOPBACK_JS),
                str(modules / "@comunica" / "query-sparql-file" / "bin" / "http.js"),
                "--port", str(self.port), "--timeout", str(self.query_timeout), str(self.source)]


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    """Start ``server``; stop it by process id however the block ends."""
    server.start()
    try:
        yield server
    finally:
        server.stop()


class AnsweringHandler(BaseHTTPRequestHandler):
    """A request handler with one way to answer: status, content type and body."""

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _FaultHandler(AnsweringHandler):
    """Answers every request the way its server's ``mode`` says (see :class:`FaultyServer`)."""

    server: FaultyServer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def _answer(self) -> None:
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        server.requests.append((self.command, self.path, dict(self.headers), body))
        mode = server.mode
        if mode == "hang":
            server.release.wait(30)  # bounded: the server is shut down at the end of the test
            return
        if mode == "close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "redirect":
            self.send_response(server.redirect_status)
            self.send_header("Location", server.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "drip":  # the answer's first line and a header, one byte every half second (30 s at most)
            self.close_connection = True
            for byte in b"HTTP/1.1 200 OK\r\nX-Drip: " + b"." * 60:
                if server.release.wait(0.5):
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            return
        if mode == "huge":  # 80 MiB of an answer
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(80 * 2**20))
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(80):
                    self.wfile.write(b" " * 2**20)
            return
        if mode.isdigit():
            authorization = self.headers.get("Authorization", "")
            if not authorization and server.challenge:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            # An error page that quotes the request's credentials, as a careless proxy might.
            scheme, _, value = authorization.partition(" ")
            echo = base64.b64decode(value + "==") if scheme == "Basic" else value.encode()
            self._send(int(mode), "text/plain", b"failure; you sent " + echo + b" " + authorization.encode())
            return
        self._send(200, "application/sparql-results+json", b'{"head": {"vars": ["s"]}, "results": ')



class FaultyServer(ThreadingHTTPServer):
    """A loopback HTTP server that fails on purpose: ``mode`` is an HTTP status (``"503"``),
    ``"hang"`` (accepts, never answers), ``"close"`` (hangs up without an answer) or
    ``"malformed"`` (200 with truncated SPARQL JSON), ``"redirect"`` (``redirect_status`` to
    ``location``), ``"drip"`` (an answer a byte every half second) or ``"huge"`` (80 MiB).
    ``requests`` records what arrived. With ``challenge``, a request without credentials gets
    ``401`` and a Basic challenge first."""

    daemon_threads = True

    def __init__(self, mode: str, challenge: bool = False, location: str = "", redirect_status: int = 302) -> None:
        super().__init__(("127.0.0.1", 0), _FaultHandler)
        self.mode = mode
        self.challenge = challenge
        self.location, self.redirect_status = location, redirect_status
        self.requests: list[tuple[str, str, dict, bytes]] = []
        self.release = threading.Event()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that time out hang up on purpose

    def close(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _ForwardHandler(BaseHTTPRequestHandler):
    server: ForwardingServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def do_PUT(self) -> None:
        self._forward()

    def _forward(self) -> None:
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        request = urllib.request.Request(server.target + self.path, data=body, method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, kind, answer = response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            status, kind, answer = exc.code, exc.headers.get("Content-Type", ""), exc.read()
        if body and server.hang_after in body:
            server.hung.append(body)
            server.release.wait(30)  # done, but never answered (bounded: released when closed)
            return
        self.send_response(status)
        self.send_header("Content-Type", kind or "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class ForwardingServer(ThreadingHTTPServer):
    """A loopback proxy to the store at ``target`` (scheme, host and port) that does every request,
    but never answers one whose body holds ``hang_after``: a store that stops answering after it
    has acted."""

    daemon_threads = True

    def __init__(self, target: str, hang_after: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _ForwardHandler)
        self.target, self.hang_after = target.rstrip("/"), hang_after
        self.hung: list[bytes] = []
        self.release = threading.Event()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass

    def close(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
