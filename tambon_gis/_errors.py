"""Exceptions raised by tambon_gis.

Each subclasses a built-in so callers can catch either, and each message names the value,
what was expected and the fix.
"""

from __future__ import annotations

from tambon_gis import settings


class TambonGISError(Exception):
    """Base class of every tambon_gis error."""


class SchemaError(TambonGISError, ValueError):
    """The columns of a table or layer are not what tambon_gis can read.

    A ``ValueError`` (a wrong table is a wrong value), no longer a ``KeyError`` since 0.1.
    """


class EncodingError(TambonGISError, UnicodeError):
    """Text in a file could not be decoded, or decoded to mojibake."""


class CRSError(TambonGISError, ValueError):
    """The coordinate reference system is missing, wrong or does not land on Thailand."""


class CodeError(TambonGISError, ValueError):
    """Administrative codes are malformed, inconsistent or unknown."""


class DataNotFoundError(TambonGISError, FileNotFoundError):
    """Boundary data could not be found or downloaded."""


class InfeasibleError(TambonGISError, ValueError):
    """A selection request cannot be satisfied; the message names the conflicting constraints."""


class ValidationError(TambonGISError, ValueError):
    """Input values failed validation; the message lists every problem found."""


class PeriodError(TambonGISError, ValueError):
    """A period (date, month, fiscal quarter or year) cannot be read, or could mean two things."""


class ImportRejectedError(ValidationError):
    """A file was rejected as a whole; ``.report`` holds every rejected row and its reason."""

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report


class SolverError(TambonGISError, RuntimeError):
    """The optimisation solver stopped without any answer (e.g. its time limit) or failed."""


class CorruptFileError(TambonGISError, ValueError):
    """A file is empty, truncated, damaged, or not in the format its name says.

    The message names the file, what is wrong with it and what to do (export or download it
    again, or for a damaged boundary layer ``allow_partial=True``).
    """


class ReadOnlyError(TambonGISError, PermissionError):
    """A write was asked of something opened read-only (a store without write access)."""


class StoreBusyError(TambonGISError, TimeoutError):
    """Another program held a monitoring store for longer than the time allowed to wait."""


class LimitError(ValidationError):
    """An input is larger than a limit of :mod:`tambon_gis.settings`.

    The message names the file, the limit and the setting that raises it.
    """


def excerpt(value: object, limit: int | None = None) -> str:
    """Return ``repr(value)`` cut to a short excerpt, with the full length when cut.

    Examples
    --------
    >>> from tambon_gis._errors import excerpt
    >>> excerpt("1" * 1000, 10)
    "'1111111111'… (1,000 characters)"
    >>> excerpt("Q1 FY2566")
    "'Q1 FY2566'"
    """
    if limit is None:
        limit = settings.excerpt_chars
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"
class StoreAddressError(TambonGISError, ValueError):
    """A monitoring-store address names a database tambon_gis cannot serve."""


class StoreConnectionError(TambonGISError, ConnectionError):
    """The store's database server cannot be reached, or the connection dropped mid-write."""


class AccessDeniedError(TambonGISError, PermissionError):
    """The database user may not do this in the store (role or scope)."""
