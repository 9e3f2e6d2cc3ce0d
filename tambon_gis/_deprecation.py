"""The one way a renamed or retired public name warns: a ``FutureWarning`` naming the new one.

Renames are breaking before 1.0; each old name stays one release as a thin alias that warns
with this message and still works (see ``CHANGELOG.md``).
"""

from __future__ import annotations

import enum
import warnings
from typing import Any, Final

from tambon_gis._errors import ValidationError


class _Unset(enum.Enum):
    UNSET = "unset"


#: Default of a deprecated keyword: tells "not given" from any value, ``None`` included.
UNSET: Final = _Unset.UNSET


def warn_deprecated(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn (``FutureWarning``) that ``old`` goes in the next release and ``new`` replaces it.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_deprecated("f(scheme=...)", "f(region_scheme=...)")
    >>> str(w[0].message)
    'f(scheme=...) is deprecated and goes in the next release: use f(region_scheme=...)'
    """
    warnings.warn(
        f"{old} is deprecated and goes in the next release: use {new}",
        FutureWarning,
        stacklevel=stacklevel,
    )


def renamed_keyword(fn: str, old: str, new: str, old_value: Any, new_value: Any) -> Any:
    """Return the value of keyword ``new`` of ``fn``, taking the deprecated ``old`` if given.

    ``old_value`` is :data:`UNSET` when the caller did not pass ``old``; given, it warns and
    is used. Both given raises :class:`~tambon_gis.ValidationError`.

    Examples
    --------
    >>> renamed_keyword("region_of", "scheme", "region_scheme", UNSET, "four")
    'four'
    """
    if old_value is UNSET:
        return new_value
    if new_value is not None:
        raise ValidationError(
            f"{fn}() got both {old}= and {new}=: {old} is the old name of {new}; pass only "
            f"{new}="
        )
    warn_deprecated(f"{fn}({old}=...)", f"{fn}({new}=...)", stacklevel=4)
    return old_value


__all__ = ["UNSET", "renamed_keyword", "warn_deprecated"]
