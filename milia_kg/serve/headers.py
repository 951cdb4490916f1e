"""The HTTP headers every route of ``milia-kg serve`` shares, set in one place rather than per route:

* ``HEAD`` answered as ``GET`` without the body (RFC 9110 section 9.3.2); FastAPI registers
  ``GET`` routes without ``HEAD``;
* ``Vary: Accept`` (and ``Origin`` when CORS names origins): answers are negotiated, so a cache
  must key on the header;
* CORS (:class:`CorsPolicy`), one policy on every route but ``/cds-services``, which keeps the one
  the CDS Hooks specification asks for (:data:`~milia_kg.serve.cds.CDS_CORS_HEADERS`); a preflight
  ``OPTIONS`` is answered here;
* ``X-Content-Type-Options: nosniff`` on every answer, and on HTML a Content-Security-Policy
  (:data:`HTML_CSP`: scripts, styles and images from this server only, no framing), ``/docs``
  included (its Swagger UI is vendored, :mod:`milia_kg.serve.apidocs`).

``Allow`` for a 405 comes from :func:`allowed_methods`, the methods of every route on the path.

>>> CorsPolicy.parse("*").headers("https://a.example")["Access-Control-Allow-Origin"]
'*'
>>> CorsPolicy.parse("https://a.example, https://b.example").headers("https://c.example")
{}
>>> CorsPolicy.parse("").enabled
False
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.routing import Match

__all__ = ["HTML_CSP", "CorsPolicy", "HeaderPolicy", "allowed_methods"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The policy of the project's HTML (the page, entity pages): everything from this server; inline
#: styles allowed (the vendored editor sets ``style`` attributes), inline scripts never.
HTML_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_CDS_PREFIX = "/cds-services"


@dataclass(frozen=True)
class CorsPolicy:
    """Which origins a browser may read answers from: ``*`` for any, a list, or none."""

    origins: tuple[str, ...] = ("*",)
    methods: str = "GET, HEAD, POST, OPTIONS"
    allow_headers: str = "Accept, Content-Type"
    max_age: int = 86_400

    @classmethod
    def parse(cls, text: str) -> CorsPolicy:
        """The policy of ``--cors``: ``*``, comma-separated origins, or empty for none."""
        return cls(tuple(o.strip().rstrip("/") for o in text.split(",") if o.strip()))

    @property
    def enabled(self) -> bool:
        return bool(self.origins)

    def headers(self, origin: str | None, preflight: bool = False) -> dict[str, str]:
        """The CORS headers of an answer to a request from ``origin`` (none if it is not allowed)."""
        if "*" in self.origins:
            allowed = "*"
        elif origin and origin.rstrip("/") in self.origins:
            allowed = origin
        else:
            return {}
        headers = {"Access-Control-Allow-Origin": allowed, "Access-Control-Expose-Headers": "Content-Type, Retry-After"}
        if preflight:
            headers.update({"Access-Control-Allow-Methods": self.methods,
                            "Access-Control-Allow-Headers": self.allow_headers,
                            "Access-Control-Max-Age": str(self.max_age)})
        return headers


def allowed_methods(app: Any, scope: Scope) -> str:
    """The ``Allow`` header for ``scope``'s path: the methods of every route matching it, with
    ``HEAD`` beside ``GET`` and ``OPTIONS`` (answered by :class:`HeaderPolicy`)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match != Match.NONE and getattr(route, "methods", None):
            methods |= set(route.methods)
    if "GET" in methods:
        methods.add("HEAD")
    if methods:
        methods.add("OPTIONS")
    order = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    return ", ".join(sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m)))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


class HeaderPolicy:
    """ASGI middleware applying the module's header policy to every answer."""

    def __init__(self, app: ASGIApp, cors: CorsPolicy) -> None:
        self.app, self.cors = app, cors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        cds = path == _CDS_PREFIX or path.startswith(_CDS_PREFIX + "/")
        origin = _header(scope, b"origin")
        head = scope["method"] == "HEAD"
        if (scope["method"] == "OPTIONS" and not cds and self.cors.enabled and origin
                and _header(scope, b"access-control-request-method")):
            await self._preflight(origin, send)
            return
        if head:
            scope = dict(scope, method="GET")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message, headers=self._headers(list(message.get("headers", [])), path, cds, origin))
            elif message["type"] == "http.response.body" and head:
                message = dict(message, body=b"")
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _preflight(self, origin: str, send: Send) -> None:
        headers = {**self.cors.headers(origin, preflight=True), "Vary": "Origin", "Content-Length": "0"}
        await send({"type": "http.response.start", "status": 204,
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})
        await send({"type": "http.response.body", "body": b""})

    def _headers(self, raw: list[tuple[bytes, bytes]], path: str, cds: bool,
                 origin: str | None) -> list[tuple[bytes, bytes]]:
        present = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
        extra: dict[str, str] = {"x-content-type-options": "nosniff"}
        vary = [v.strip() for v in present.get("vary", "").split(",") if v.strip()]
        wanted = ["Accept"] + (["Origin"] if self.cors.enabled and "*" not in self.cors.origins else [])
        extra["vary"] = ", ".join(vary + [v for v in wanted if v.lower() not in {x.lower() for x in vary}])
        if not cds:
            extra.update({k.lower(): v for k, v in self.cors.headers(origin).items()})
        if present.get("content-type", "").startswith("text/html") and "content-security-policy" not in present:
            extra["content-security-policy"] = HTML_CSP
        kept = [(k, v) for k, v in raw if k.lower().decode("latin-1") not in extra]
        return kept + [(k.encode(), v.encode()) for k, v in extra.items()]
