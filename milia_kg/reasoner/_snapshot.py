"""The fast engine's state after a closed base, as plain data, and an engine restored from it.

Loading a closed base runs every schema handler to build the engine's indexes, which the classifier
did at every start over its 1,727-triple schema closure (issue 22: about 5 ms of a cold classify's
85).  :func:`state` keeps what those handlers built (indexes, lists, sets of term ids) as dicts, sets,
lists, tuples and bytes that :mod:`marshal` writes; :func:`restore` fills a fresh engine with it.  What
a fresh :class:`~milia_kg.reasoner._engine.Engine` makes itself is not kept: the term adapter, the
vocabulary ids, the inserters and handlers (closures over the engine, which is why every container
is filled in place), and the property plans (each is rebuilt on first use, as after
:meth:`~milia_kg.reasoner._engine.Engine.watch`).  The terms are the caller's: it keeps them in a form
of its own (pyoxigraph's terms are not plain data).  tests/reasoner/test_prepared.py runs every case
of the prepared engine on a restored one too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from milia_kg.reasoner._engine import Engine

__all__ = ["restore", "state"]

#: Bumped when the kept state's layout changes (an engine with other attributes is refused anyway).
FORMAT = 1
#: Attributes a fresh engine makes itself (``ids`` is rebuilt from the caller's terms, ``terms`` is theirs).
_MADE_FRESH = frozenset({"adapter", "v", "characteristic_metas", "budget", "insert", "add", "pred_handlers",
                         "class_handlers", "ids", "terms"})


def state(engine: Engine) -> dict[str, Any]:
    """The engine's state beyond its terms, as plain data (a fresh engine's own parts left out).

    :raises ValueError: if the engine holds a limit (a budget's inserter is not plain data).
    """
    if engine.budget is not None:
        raise ValueError("an engine held to a budget has no plain state")
    kept: dict[str, Any] = {"format": FORMAT}
    for name, value in vars(engine).items():
        if name not in _MADE_FRESH:
            kept[name] = {p: None for p in value} if name == "watched" else _plain(value)
    return kept


def _plain(value: Any) -> Any:
    if isinstance(value, dict):  # defaultdicts too: a fresh engine's own default makes them again
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, bytearray):
        return bytes(value)
    return value  # ids, tuples, lists and sets of ids, strings: plain already


def restore(engine: Engine, terms: list[Any], kept: dict[str, Any]) -> None:
    """Fill the fresh ``engine`` with ``kept`` (what :func:`state` gave) and ``terms`` (the engine's
    terms then, in order).

    :raises ValueError: if ``kept`` is of another layout, or ``terms`` do not start with the vocabulary
        the fresh engine interned (the ids its handlers hold).
    """
    own = vars(engine)
    names = own.keys() - _MADE_FRESH
    if kept.get("format") != FORMAT or kept.keys() - {"format"} != names:
        raise ValueError("the kept engine state is of another layout")
    if engine.derived or engine.agenda or terms[:len(engine.terms)] != engine.terms:
        raise ValueError("the kept engine state does not start with this engine's vocabulary")
    engine.terms[:] = terms
    engine.ids.clear()
    engine.ids.update(zip(terms, range(len(terms)), strict=True))
    for name in names:
        _fill(engine, name, own[name], kept[name])


def _fill(engine: Engine, name: str, target: Any, value: Any) -> None:
    """Put ``value`` into the container ``target`` in place (the engine's closures hold it)."""
    if isinstance(target, defaultdict):
        target.clear()
        for key, item in value.items():
            slot = target.default_factory() if target.default_factory is not None else None
            if isinstance(slot, defaultdict):
                _fill(engine, name, slot, item)
                target[key] = slot
            else:
                target[key] = item
    elif isinstance(target, dict | set):
        target.clear()
        target.update(value)
    elif isinstance(target, list | bytearray):
        target[:] = value
    else:
        setattr(engine, name, value)
