"""Exceptions raised by tambon_gis.

Each subclasses a built-in so callers can catch either, and each message names the value,
what was expected and the fix.
"""

from __future__ import annotations


class TambonGISError(Exception):
    """Base class of every tambon_gis error."""


class SchemaError(TambonGISError, KeyError):
    """The columns of a table or layer are not what tambon_gis can read."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable.
        return str(self.args[0]) if self.args else ""


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


class StoreAddressError(TambonGISError, ValueError):
    """A monitoring-store address names a database tambon_gis cannot serve."""


class StoreConnectionError(TambonGISError, ConnectionError):
    """The store's database server cannot be reached, or the connection dropped mid-write."""


class AccessDeniedError(TambonGISError, PermissionError):
    """The database user may not do this in the store (role or scope)."""
