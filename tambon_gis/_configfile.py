"""Reading and writing the library's configuration files (criteria YAML and TOML).

YAML is read with unique keys (:func:`load_yaml_unique`), and what a file holds is bounded
(:func:`check_nested`: size, depth, text length); :func:`toml_dumps` writes TOML.

YAML anchors and aliases (``&a`` / ``*a``) let a file of a few hundred bytes describe a
structure of billions of values ("billion laughs"); PyYAML builds it by reference, in no
time, but anything that walks or prints it then runs for minutes and takes gigabytes. The
check here walks each distinct list or mapping once and counts what it expands to, so it is
linear in the file, and refuses the data past the limits of :mod:`tambon_gis.settings`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

from tambon_gis import settings
from tambon_gis._errors import LimitError, ValidationError


def check_nested(data: Any, *, source: str) -> None:
    """Raise :class:`LimitError` when ``data`` is larger, deeper or longer than allowed.

    Parameters
    ----------
    data : object
        Lists, tuples, mappings and scalars as a YAML or TOML parser returns them.
    source : str
        What to name in the error (the file).

    Raises
    ------
    LimitError
        When the values, counted as often as aliases repeat them, exceed
        ``settings.max_config_values``, when lists or mappings nest deeper than
        ``settings.max_config_depth``, when the data refers to itself, or when a text is
        longer than ``settings.max_cell_chars``.

    Examples
    --------
    >>> a = ["x"] * 10
    >>> check_nested({"criteria": [a, a]}, source="c.yaml")
    >>> nested = [a] * 10
    >>> for _ in range(6):
    ...     nested = [nested] * 10
    >>> check_nested(nested, source="c.yaml")
    Traceback (most recent call last):
    ...
    tambon_gis._errors.LimitError: c.yaml expands to more than 100,000 values, ...
    """
    limit, depth_limit = settings.max_config_values, settings.max_config_depth
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(obj: Any, depth: int) -> int:
        if isinstance(obj, str):
            if len(obj) > settings.max_cell_chars:
                raise LimitError(
                    f"{source} holds a text of {len(obj):,} characters, past the limit of "
                    f"{settings.max_cell_chars:,} (settings.max_cell_chars): shorten it, or "
                    "raise the limit with tambon_gis.settings.max_cell_chars = ..."
                )
            return 1
        if not isinstance(obj, (list, tuple, Mapping)):
            return 1
        if depth > depth_limit:
            raise LimitError(
                f"{source} nests lists or mappings more than {depth_limit} levels deep "
                "(settings.max_config_depth): a criteria file needs a few; flatten it, or "
                "raise the limit with tambon_gis.settings.max_config_depth = ..."
            )
        key = id(obj)
        if key in memo:
            return memo[key]
        if key in active:
            raise LimitError(
                f"{source} refers to itself through a YAML alias (*name inside &name): "
                "write the values out instead"
            )
        active.add(key)
        children = [v for kv in obj.items() for v in kv] if isinstance(obj, Mapping) else obj
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > limit:
                raise LimitError(
                    f"{source} expands to more than {limit:,} values, past the limit of "
                    f"{limit:,} (settings.max_config_values); YAML aliases (*name) count each "
                    "time they are used. Write the values out, or raise the limit with "
                    "tambon_gis.settings.max_config_values = ..."
                )
        active.discard(key)
        memo[key] = total
        return total

    size(data, 0)


def text_value(value: Any, *, what: str, default: str = "") -> str:
    """Return a scalar read from a file as text; refuse a list or mapping naming ``what``.

    ``None`` gives ``default``; numbers and booleans become their text.

    Examples
    --------
    >>> text_value(2566, what="label"), text_value(None, what="label")
    ('2566', '')
    >>> text_value(["a"], what="criterion 'x': label")
    Traceback (most recent call last):
    ...
    tambon_gis._errors.ValidationError: criterion 'x': label must be text, not a list ...
    """
    if value is None:
        return default
    if isinstance(value, (list, tuple, Mapping, set)):
        kind = "mapping" if isinstance(value, Mapping) else "list"
        raise ValidationError(
            f"{what} must be text, not a {kind} ({len(value):,} item(s)); write one value, "
            "e.g. label: ครัวเรือนเกษตรกร"
        )
    return str(value)


def load_yaml_unique(text: str, *, source: str) -> Any:
    """``yaml.safe_load`` that refuses a key given twice in one mapping (YAML keeps the last)."""
    class _UniqueKeyLoader(yaml.SafeLoader):
        pass

    def construct_mapping(
        loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False
    ) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: let PyYAML report it
                continue
            if first is not None:
                raise ValidationError(
                    f"the criteria file {source!r} gives the key {key!r} twice, on line {first} "
                    f"and on line {line} (YAML would silently keep the second). Keep one of "
                    "them, or rename the other"
                )
            seen[key] = line
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    _UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return (
            "{" + ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in v.items()) + "}"
        )
    raise ValidationError(f"cannot write {v!r} to TOML")


def toml_dumps(data: Mapping[str, Any]) -> str:
    """Write the content of a criteria file (see :meth:`Criteria.to_dict`) as TOML."""

    def pairs(d: Mapping[str, Any]) -> str:
        return "".join(
            f"{_toml_key(str(k))} = {_toml_value(v)}\n"
            for k, v in d.items()
            if v is not None and not (isinstance(v, list) and v and isinstance(v[0], Mapping))
        )

    out = pairs({k: v for k, v in data.items() if k in ("name", "description", "total_weight")})
    for key, spec in (data.get("eligibility") or {}).items():
        out += f"\n[eligibility.{_toml_key(key)}]\n" + pairs(spec)
        for rule in spec.get("rules", []):
            out += f"\n[[eligibility.{_toml_key(key)}.rules]]\n" + pairs(rule)
    for crit in data.get("criteria") or []:
        out += "\n[[criteria]]\n" + pairs(crit)
    return out


__all__ = ["check_nested", "load_yaml_unique", "text_value", "toml_dumps"]
