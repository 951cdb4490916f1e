"""The exception tree of milia-kg.

Every error the package raises on purpose derives from :class:`MiliaKGError`
and, where one fits, from a built-in type as well, so callers can catch either.
Each exception keeps the offending value as an attribute and renders a
one-line message naming it.

>>> err = UnknownQueryError("subtype-site", ["subtypes-by-site", "treatments"])
>>> isinstance(err, KeyError), err.name, err.candidates
(True, 'subtype-site', ('subtypes-by-site',))
>>> str(err)
"unknown query 'subtype-site'; did you mean: subtypes-by-site?"
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "EndpointError",
    "InconsistencyError",
    "InputFileError",
    "MiliaKGError",
    "ParameterError",
    "RDFSyntaxError",
    "UnknownQueryError",
    "ValidationError",
]


class MiliaKGError(Exception):
    """Base class of every error raised on purpose by milia-kg.

    >>> str(MiliaKGError("something is off"))
    'something is off'
    """


class RDFSyntaxError(MiliaKGError, ValueError):
    """A source RDF file cannot be parsed.

    :param path: the file, as it should be shown to a person.
    :param line: the 1-based line of the error, or ``None`` if the parser did not say.
    :param reason: the parser's own explanation.

    >>> str(RDFSyntaxError("data/facts.ttl", 12, "Bad syntax (expected '.')"))
    "data/facts.ttl:12: Bad syntax (expected '.')"
    >>> str(RDFSyntaxError("data/facts.ttl", None, "not UTF-8"))
    'data/facts.ttl: not UTF-8'
    """

    def __init__(self, path: object, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = " ".join(reason.split())
        super().__init__(self.path, line, self.reason)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


class ValidationError(MiliaKGError):
    """The graph does not pass SHACL validation or a QC check.

    :param report: the :class:`milia_kg.validate.ValidationReport` that failed;
        its ``results`` name the entities and rules.
    """

    def __init__(self, report: Any) -> None:
        self.report = report
        super().__init__(report)

    def __str__(self) -> str:
        n = len(getattr(self.report, "results", ()))
        rules = sorted({result.rule for result in getattr(self.report, "results", ())})
        if not n:
            return "validation failed"
        return f"validation failed: {n} problem{'s' if n != 1 else ''} (rules: {', '.join(rules)})"


class InconsistencyError(MiliaKGError):
    """The reasoned graph is inconsistent (owlrl reported a clash, or ``owl:Nothing`` has members).

    :param problems: one message per problem found.

    >>> str(InconsistencyError(["mkg:x is a member of owl:Nothing"]))
    'inconsistent graph: mkg:x is a member of owl:Nothing'
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "inconsistent graph: " + "; ".join(self.problems)


class UnknownQueryError(MiliaKGError, KeyError):
    """No canned query has this name.

    :param name: the name asked for.
    :param available: the names that exist; close matches are offered.
    """

    def __init__(self, name: str, available: Iterable[str] = ()) -> None:
        self.name = name
        self.available = tuple(sorted(available))
        self.candidates = tuple(difflib.get_close_matches(name, self.available, n=3, cutoff=0.6))
        super().__init__(name)

    def __str__(self) -> str:
        message = f"unknown query {self.name!r}"
        if self.candidates:
            message += "; did you mean: " + ", ".join(self.candidates) + "?"
        elif self.available:
            message += "; available: " + ", ".join(self.available)
        return message


class ParameterError(MiliaKGError, ValueError):
    """A query parameter is missing, unknown or has a value of the wrong kind.

    :param parameter: the parameter's name.
    :param value: the offending value (``None`` when it is missing).
    :param reason: why it is not accepted.
    :param candidates: allowed names or values to offer, if any.

    >>> err = ParameterError("site", "nose!", "not a CURIE or IRI")
    >>> str(err), err.value
    ("parameter 'site' = 'nose!': not a CURIE or IRI", 'nose!')
    """

    def __init__(
        self,
        parameter: str,
        value: object,
        reason: str,
        candidates: Sequence[str] = (),
    ) -> None:
        self.parameter = parameter
        self.value = value
        self.reason = reason
        self.candidates = tuple(candidates)
        super().__init__(parameter, value, reason)

    def __str__(self) -> str:
        message = f"parameter {self.parameter!r} = {self.value!r}: {self.reason}"
        if self.candidates:
            message += "; expected one of: " + ", ".join(self.candidates)
        return message


class EndpointError(MiliaKGError, ConnectionError):
    """A SPARQL endpoint cannot be reached or answered with an error.

    :param endpoint: the endpoint URL.
    :param reason: what went wrong.

    >>> str(EndpointError("http://localhost:7878/query", "connection refused"))
    'SPARQL endpoint http://localhost:7878/query: connection refused'
    """

    def __init__(self, endpoint: str, reason: str) -> None:
        self.endpoint = endpoint
        self.reason = reason
        super().__init__(endpoint, reason)

    def __str__(self) -> str:
        return f"SPARQL endpoint {self.endpoint}: {self.reason}"



class InputFileError(MiliaKGError, ValueError):
    """An input file is refused before it is read: not a regular file, too large, or not UTF-8.

    :param path: the file, as given.
    :param reason: why it is refused.

    >>> str(InputFileError("/dev/zero", "not a regular file"))
    '/dev/zero: not a regular file'
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(self.path, reason)

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"
