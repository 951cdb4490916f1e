"""Answers kept by the service: the graph a server holds never changes while it runs, so the same
request (query text or canned query and parameters, and what it asks to be answered in) always
gets the same bytes.

:class:`AnswerCache` keeps successful answers of ``/sparql`` and ``/api/queries/NAME`` in the
server's memory, least recently used first out, bounded by entries and bytes; a hit costs no query
worker and no evaluation. Each answer carries an ``ETag`` (a digest of its bytes), and a request
whose ``If-None-Match`` names it gets ``304 Not Modified`` without the body, cache or not (RFC 9110
section 13.1.2). ``milia-kg serve --no-answer-cache`` turns the keeping off (the benchmark measures
both); the ``ETag`` stays. Only ``200`` answers are kept: errors, time-outs and refusals are
evaluated again each time.
"""

from __future__ import annotations

import collections
import hashlib
import threading
from collections.abc import Hashable
from dataclasses import dataclass

__all__ = ["Answer", "AnswerCache", "etag_of", "not_modified"]


@dataclass(frozen=True)
class Answer:
    """One kept answer."""

    media: str
    body: bytes
    etag: str


def etag_of(body: bytes) -> str:
    """A strong entity tag for ``body``: its BLAKE2b digest, quoted."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or is ``*``); weak tags compare weakly."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


class AnswerCache:
    """Successful answers by request, at most ``max_entries`` and ``max_bytes`` of bodies; an
    answer over ``max_body`` bytes is not kept. Thread-safe (routes run on threads too)."""

    def __init__(self, max_entries: int = 4096, max_bytes: int = 64 << 20, max_body: int = 1 << 20) -> None:
        self.max_entries, self.max_bytes, self.max_body = max_entries, max_bytes, max_body
        self._answers: collections.OrderedDict[Hashable, Answer] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: Hashable, media: str, body: bytes) -> Answer:
        """Keep ``body`` (if small enough) and return it as an :class:`Answer`."""
        answer = Answer(media, body, etag_of(body))
        if len(body) > self.max_body:
            return answer
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._answers[key] = answer
            self._bytes += len(body)
            while self._answers and (len(self._answers) > self.max_entries or self._bytes > self.max_bytes):
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)
        return answer

    def __len__(self) -> int:
        return len(self._answers)
