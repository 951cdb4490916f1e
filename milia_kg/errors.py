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

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "AnswerSizeError",
    "CaseProfileError",
    "CheckFailedError",
    "ClassifyTimeoutError",
    "EndpointError",
    "InconsistencyError",
    "InputFileError",
    "InvalidQueryError",
    "MemoryLimitError",
    "MergeLimitError",
    "MergeSizeError",
    "MergeTimeoutError",
    "MiliaKGError",
    "OutputError",
    "ParameterError",
    "PrefixMapError",
    "PushError",
    "QueryLimitError",
    "QueryTimeoutError",
    "QueryTooComplexError",
    "QueryTypeError",
    "RDFSyntaxError",
    "ReportFailedError",
    "RowLimitError",
    "ServiceNotAllowedError",
    "StoreError",
    "UnknownQueryError",
    "UnsupportedFormatError",
    "ValidationError",
    "clip",
]

#: The longest shown form of a value quoted in an error message (a 100 KB parameter is not repeated).
CLIP = 80


def clip(value: object, limit: int = CLIP) -> str:
    """Return ``repr(value)`` cut to ``limit`` characters with an ellipsis, for error messages.

    >>> clip("nose"), clip("x" * 200, 12)
    ("'nose'", "'xxxxxxxxxx…")
    """
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


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


class UnsupportedFormatError(RDFSyntaxError):
    """A file is in an ontology format milia-kg recognises but cannot read (OWL Manchester syntax).

    :param path: the file.
    :param format_name: the format detected from the file's content.
    :param hint: how to convert it into a format that is read.

    >>> str(UnsupportedFormatError("hp.owl", "OBO", "convert it first"))
    'hp.owl: OBO is not supported yet; convert it first'
    """

    def __init__(self, path: object, format_name: str, hint: str) -> None:
        self.format_name = format_name
        super().__init__(path, None, f"{format_name} is not supported yet; {hint}")


class StoreError(MiliaKGError, ValueError):
    """A folder given as a kept merge store (``--store``) is not one, or ``--out`` cannot take one.

    >>> str(StoreError("/tmp/x", "not a milia-kg store (no milia-kg-store.json)"))
    '/tmp/x: not a milia-kg store (no milia-kg-store.json)'
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class CheckFailedError(MiliaKGError):
    """The data was read but failed a check (validation, consistency): the CLI exits 1, not 2.

    Subclass this for any new kind of check, so that the CLI's exit code follows.
    """


class ValidationError(CheckFailedError):
    """The graph does not pass SHACL validation or a QC check.

    :param report: the :class:`milia_kg.release.validate.ValidationReport` that failed;
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


class InconsistencyError(CheckFailedError):
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


class ReportFailedError(CheckFailedError):
    """``milia-kg report`` found ERROR-level violations (ROBOT's rule levels).

    :param errors: how many rows of the report are at level ERROR.

    >>> str(ReportFailedError(10))
    'report: 10 ERROR-level violations (see the report)'
    """

    def __init__(self, errors: int) -> None:
        self.errors = errors
        super().__init__(errors)

    def __str__(self) -> str:
        return f"report: {self.errors} ERROR-level violation{'s' if self.errors != 1 else ''} (see the report)"


class UnknownQueryError(MiliaKGError, KeyError):
    """No canned query has this name.

    :param name: the name asked for.
    :param available: the names that exist; close matches are offered.
    """

    def __init__(self, name: str, available: Iterable[str] = ()) -> None:
        self.name = name
        self.available = tuple(sorted(available))
        import difflib  # only for a wrong name (start-up time)

        self.candidates = tuple(difflib.get_close_matches(name, self.available, n=3, cutoff=0.6))
        super().__init__(name)

    def __str__(self) -> str:
        message = f"unknown query {clip(self.name)}"
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
        message = f"parameter {clip(self.parameter)} = {clip(self.value)}: {self.reason}"
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
        self.endpoint, self.reason = _without_password(endpoint, reason)
        super().__init__(self.endpoint, self.reason)

    def __str__(self) -> str:
        return f"SPARQL endpoint {self.endpoint}: {self.reason}"


def _without_password(url: str, reason: str) -> tuple[str, str]:
    """``url`` and ``reason`` with the password of the URL's ``user:password@`` replaced by ``***``
    (a careless user puts credentials in an endpoint URL; error messages are printed and logged).

    >>> _without_password("http://ann:s3cret@db.example/sparql", "bad host 'ann:s3cret@db.example'")
    ('http://ann:***@db.example/sparql', "bad host 'ann:***@db.example'")
    """
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if not password:
        return url, reason
    for secret in {password, unquote(password)}:
        url, reason = url.replace(f":{secret}@", ":***@"), reason.replace(f":{secret}@", ":***@")
        if len(secret) >= 4:  # a shorter one would mangle the message and is shown only as user:pw@
            reason = reason.replace(secret, "***")
    return url, reason


class PushError(EndpointError):
    """``milia-kg push`` failed; the message says the target graph's state and what is left.

    >>> str(PushError("push to <https://example.org/g> failed: ...; target graphs unchanged"))
    'push to <https://example.org/g> failed: ...; target graphs unchanged'
    """

    def __init__(self, message: str) -> None:
        MiliaKGError.__init__(self, message)
        self.endpoint = ""
        self.reason = message

    def __str__(self) -> str:
        return self.reason


class QueryTypeError(MiliaKGError, TypeError):
    """A query (or query name) is not a ``str``: ``None``, ``bytes``, a number...

    >>> str(QueryTypeError("query text", b"ASK {}"))
    "query text must be a str, not bytes (b'ASK {}')"
    """

    def __init__(self, what: str, value: object) -> None:
        self.what = what
        self.value = value
        super().__init__(what, value)

    def __str__(self) -> str:
        return f"{self.what} must be a str, not {type(self.value).__name__} ({clip(self.value)})"


class InvalidQueryError(MiliaKGError, ValueError):
    """SPARQL text that cannot be run: a syntax error, a wrong query form, text that is not
    valid Unicode (a lone surrogate), a construct an engine does not support."""


class QueryTooComplexError(InvalidQueryError):
    """SPARQL text over one of the limits checked before an engine sees it
    (:mod:`milia_kg.query.limits`): its size, bracket nesting or number of tokens."""


class ServiceNotAllowedError(MiliaKGError, PermissionError):
    """A query asks the engine to call another endpoint (``SERVICE``) that the caller did not allow.

    :param clause: the clause as written, e.g. ``SERVICE <http://127.0.0.1:8080/sparql>``.

    >>> print(ServiceNotAllowedError("SERVICE ?endpoint"))  # doctest: +NORMALIZE_WHITESPACE
    SERVICE ?endpoint: federated queries are refused (no outbound requests); allow an endpoint
    IRI explicitly (allow_service=, --allow-service URL)
    """

    def __init__(self, clause: str) -> None:
        self.clause = clause
        super().__init__(clause)

    def __str__(self) -> str:
        return (
            f"{self.clause[:CLIP]}: federated queries are refused (no outbound requests); "
            "allow an endpoint IRI explicitly (allow_service=, --allow-service URL)"
        )


class QueryLimitError(MiliaKGError, RuntimeError):
    """A query went over a run-time limit (time, rows, memory) or crashed its engine; the
    evaluation was stopped and the process is still usable."""


class QueryTimeoutError(QueryLimitError, TimeoutError):
    """A query ran longer than its time limit.

    >>> str(QueryTimeoutError(30))
    'query stopped: no answer within the time limit of 30 s (--timeout)'
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(seconds)

    def __str__(self) -> str:
        return f"query stopped: no answer within the time limit of {self.seconds:g} s (--timeout)"


class RowLimitError(QueryLimitError):
    """A query returned more rows (or triples) than its cap.

    >>> str(RowLimitError(100000))
    'query stopped: more than 100000 result rows (--max-rows)'
    """

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        super().__init__(max_rows)

    def __str__(self) -> str:
        return f"query stopped: more than {self.max_rows} result rows (--max-rows)"


class AnswerSizeError(QueryLimitError):
    """A query's answer is larger than its byte cap: a few rows can hold megabytes (``GROUP_CONCAT``
    over a cartesian product), so rows alone do not bound what is sent.

    >>> str(AnswerSizeError(1024))
    'query stopped: the answer is larger than 1024 bytes (--max-bytes)'
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(max_bytes)

    def __str__(self) -> str:
        return f"query stopped: the answer is larger than {self.max_bytes} bytes (--max-bytes)"


class MemoryLimitError(QueryLimitError, MemoryError):
    """A query needed more memory than the limit of its evaluation."""


class ClassifyTimeoutError(MiliaKGError, TimeoutError):
    """Classifying a profile, or a batch of them, was not finished within its time limit.

    >>> str(ClassifyTimeoutError(10))
    'classification stopped: not finished within the time limit of 10 s (--timeout)'
    """

    def __init__(self, seconds: float, option: str = "--timeout") -> None:
        self.seconds, self.option = seconds, option
        super().__init__(seconds, option)

    def __str__(self) -> str:
        return f"classification stopped: not finished within the time limit of {self.seconds:g} s ({self.option})"


class MergeLimitError(MiliaKGError, RuntimeError):
    """A merge went over one of its limits (time, size of the reasoned union): it was stopped, and
    what it had written (a temporary folder or file) was removed."""


class MergeTimeoutError(MergeLimitError, TimeoutError):
    """A merge was not finished within its time limit.

    >>> str(MergeTimeoutError(300, "--timeout"))
    'merge stopped: not finished within the time limit of 300 s (--timeout)'
    """

    def __init__(self, seconds: float, option: str = "--timeout") -> None:
        self.seconds, self.option = seconds, option
        super().__init__(seconds, option)

    def __str__(self) -> str:
        return f"merge stopped: not finished within the time limit of {self.seconds:g} s ({self.option})"


class MergeSizeError(MergeLimitError, MemoryError):
    """The reasoned union would hold more triples than its cap: a small input can have a huge
    closure (an ``is_a`` chain of n terms has n(n-1)/2 subclass triples), so the cap is checked
    while reasoning, before the memory is spent.

    >>> str(MergeSizeError(1000000, "--max-triples"))
    'merge stopped: the reasoned merge would hold more than 1000000 triples (--max-triples)'
    """

    def __init__(self, max_triples: int, option: str = "--max-triples") -> None:
        self.max_triples, self.option = max_triples, option
        super().__init__(max_triples, option)

    def __str__(self) -> str:
        return f"merge stopped: the reasoned merge would hold more than {self.max_triples} triples ({self.option})"


class OutputError(MiliaKGError, OSError):
    """The command's output cannot be written (standard output closed, or the reader went away), so
    success must not be reported: the answer would be lost without a word."""


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


class PrefixMapError(MiliaKGError, ValueError):
    """A prefix map (an SSSOM ``curie_map``) that cannot expand CURIEs one way: two prefixes for one
    namespace, one prefix given twice, or not a prefix -> namespace mapping at all.

    :param reason: what is wrong, naming the conflicting prefixes.
    :param source: the file the map came from, when there is one.

    >>> str(PrefixMapError("prefixes 'HP' and 'HPO' share the namespace 'http://x/'", "m.sssom.tsv"))
    "m.sssom.tsv: curie_map: prefixes 'HP' and 'HPO' share the namespace 'http://x/'"
    """

    def __init__(self, reason: str, source: str = "") -> None:
        self.reason = reason
        self.source = source
        super().__init__(reason, source)

    def __str__(self) -> str:
        return f"{self.source}: curie_map: {self.reason}" if self.source else f"curie_map: {self.reason}"


class CaseProfileError(MiliaKGError, ValueError):
    """A case profile for decision support is not valid: the field and why, never a guess.

    :param field: the offending field as a path (``sites[1]``), or ``""`` for the profile as a whole.
    :param reason: why it is refused.
    :param line: the 1-based line of a JSON Lines input, if any.

    >>> str(CaseProfileError("age_years", "-1 is less than the minimum of 0"))
    'case profile: age_years: -1 is less than the minimum of 0'
    >>> str(CaseProfileError("sex", "not one of ...", line=3))
    'line 3: case profile: sex: not one of ...'
    """

    def __init__(self, field: str, reason: str, line: int | None = None) -> None:
        self.field = field
        self.reason = reason
        self.line = line
        super().__init__(field, reason, line)

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}case profile: {self.field + ': ' if self.field else ''}{self.reason}"
