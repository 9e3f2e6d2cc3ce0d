"""Criteria for choosing joint operation areas: eligibility rules and scored criteria.

A :class:`Criteria` holds

* **eligibility rules** grouped by agency (:class:`Agency`), each rule a readable condition on
  one column (:class:`Rule`, e.g. ``สภาองค์กรชุมชนตำบล == มี`` or ``ครัวเรือนเกษตรกร >= 100``);
  a tambon is eligible when it passes every rule of every agency;
* **scored criteria** (:class:`Criterion`): a column, a weight, a direction (``"higher"`` or
  ``"lower"`` is better), a normalisation (``"minmax"``, ``"rank"`` (percentile rank),
  ``"zscore"``, ``"classes"`` (thresholds) or ``"map"`` (a value -> score table for text
  columns)) and what a missing value means.

The same specification is a YAML or TOML file a non-programmer can edit
(:func:`load_criteria`, :meth:`Criteria.to_file`); ``examples/criteria_joint.yaml`` is a
commented example. :func:`tambon_gis.selection.score_areas` applies it to a layer.

Examples
--------
>>> from tambon_gis.criteria import Agency, Criteria, Criterion, Rule
>>> crit = Criteria(
...     agencies=[Agency("codi", [Rule.parse("สภาองค์กรชุมชนตำบล", "== มี")], label="พอช.")],
...     criteria=[Criterion("ครัวเรือนเกษตรกร", weight=1.0, normalize="rank")],
... )
>>> crit.columns
['สภาองค์กรชุมชนตำบล', 'ครัวเรือนเกษตรกร']
>>> print(crit.agencies[0].rules[0])
สภาองค์กรชุมชนตำบล == 'มี'
"""

from __future__ import annotations

import html
import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tambon_gis._configfile import check_nested, load_yaml_unique, text_value, toml_dumps
from tambon_gis._errors import (
    DataNotFoundError,
    EncodingError,
    LimitError,
    ValidationError,
    excerpt,
)
from tambon_gis._logging import get_logger
from tambon_gis.vocabulary import PLAN_FACT

logger = get_logger(__name__)

__all__ = [
    "DIRECTIONS",
    "MISSING_RULE",
    "MISSING_SCORE",
    "NORMALIZATIONS",
    "OPERATORS",
    "Agency",
    "Criteria",
    "Criterion",
    "Rule",
    "load_criteria",
]

#: Operators a :class:`Rule` understands.
OPERATORS = ("==", "!=", ">=", ">", "<=", "<", "in", "not in", "between", "not missing")
_NUMERIC_OPS = {">=", ">", "<=", "<", "between"}
#: Normalisations of a :class:`Criterion`.
NORMALIZATIONS = ("minmax", "rank", "zscore", "classes", "map")
#: Directions of a :class:`Criterion`.
DIRECTIONS = ("higher", "lower")
#: What a missing value means for a scored criterion.
MISSING_SCORE = ("zero", "mean", "ineligible", "error")
#: What a missing value means for an eligibility rule.
MISSING_RULE = ("fail", "pass")

_OP_RE = re.compile(r"^\s*(not\s+missing|not\s+in|in|between|==|!=|>=|<=|>|<|=)\s*(.*)$", re.S)


def _fmt_value(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def _numbers(value: Any, *, what: str, one: bool) -> Any:
    """Return a number (``one``) or a tuple of numbers read from a file; numeric text is read."""
    values = [value] if one else value
    try:
        if isinstance(values, (str, Mapping)) or any(isinstance(v, bool) for v in values):
            raise TypeError
        out = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise ValidationError(
            f"{what} must be {'a number' if one else 'a list of numbers'}, not "
            f"{excerpt(value)}"
        ) from None
    return out[0] if one else out


@dataclass(frozen=True)
class Rule:
    """One eligibility condition on one column.

    Parameters
    ----------
    column : str
        Column the rule reads.
    op : str
        One of :data:`OPERATORS`. ``"in"``/``"not in"`` take a list, ``"between"`` a
        ``[low, high]`` pair (both included), ``"not missing"`` no value.
    value : object, optional
        The value compared with.
    label : str, optional
        A readable description shown in reasons instead of the condition, e.g.
        ``"มีสภาองค์กรชุมชนตำบล"``.
    missing : {"fail", "pass"}
        Whether a tambon with a missing value fails (default) or passes the rule.

    Examples
    --------
    >>> import pandas as pd
    >>> rule = Rule.parse("ครัวเรือนเกษตรกร", ">= 1000")
    >>> rule.op, rule.value
    ('>=', 1000)
    >>> rule.evaluate(pd.DataFrame({"ครัวเรือนเกษตรกร": [1240, 982, None]})).tolist()
    [True, False, False]
    """

    column: str
    op: str
    value: Any = None
    label: str = ""
    missing: str = "fail"

    @classmethod
    def parse(cls, column: str, condition: str, *, label: str = "", missing: str = "fail") -> Rule:
        """Build a rule from a condition text such as ``">= 50"``, ``"== มี"`` or ``"in [a, b]"``.

        The value after the operator is read as YAML, so ``10`` is a number, ``มี`` or
        ``'มี'`` a text and ``[มี, จดแจ้งแล้ว]`` a list.

        Parameters
        ----------
        column : str
            Column the rule reads.
        condition : str
            Operator followed by the value; ``"not missing"`` alone is allowed.
        label, missing
            See :class:`Rule`.

        Returns
        -------
        Rule
            The parsed rule.

        Raises
        ------
        ValidationError
            If the condition does not start with a known operator.

        Examples
        --------
        >>> Rule.parse("แผนเกษตรตำบล", "in [มี, กำลังทำ]").value
        ['มี', 'กำลังทำ']
        """
        import yaml

        match = _OP_RE.match(str(condition))
        if not match:
            raise ValidationError(
                f"rule on column {column!r}: cannot read the condition {condition!r}; "
                f"start it with one of {', '.join(OPERATORS)}, e.g. '>= 50' or '== มี'"
            )
        op = re.sub(r"\s+", " ", match.group(1))
        op = "==" if op == "=" else op
        rest = match.group(2).strip()
        value: Any = None
        if op != "not missing":
            if not rest:
                raise ValidationError(
                    f"rule on column {column!r}: the condition {condition!r} has no value after "
                    f"{op!r}; write e.g. '{op} 10'"
                )
            try:
                value = yaml.safe_load(rest)
            except yaml.YAMLError:
                value = rest
        return cls(column, op, value, label=label, missing=missing)

    @property
    def condition(self) -> str:
        """The condition as text (operator and value), e.g. ``">= 50"``."""
        if self.op == "not missing":
            return "not missing"
        return f"{self.op} {_fmt_value(self.value)}"

    def __str__(self) -> str:
        return self.label or f"{self.column} {self.condition}"

    def problems(self) -> list[str]:
        """Return the problems of the rule itself (empty when it is well formed)."""
        out = []
        where = f"rule {self.column} {self.op} {_fmt_value(self.value)}"
        if self.op not in OPERATORS:
            out.append(f"{where}: unknown operator {self.op!r}; use one of {', '.join(OPERATORS)}")
        if self.missing not in MISSING_RULE:
            out.append(f"{where}: missing={self.missing!r}; use 'fail' or 'pass'")
        if self.op in ("in", "not in") and not isinstance(self.value, (list, tuple)):
            out.append(f"{where}: {self.op!r} needs a list such as [มี, จดแจ้งแล้ว]")
        if self.op == "between" and not (
            isinstance(self.value, (list, tuple))
            and len(self.value) == 2
            and all(_is_number(v) for v in self.value)
        ):
            out.append(f"{where}: 'between' needs two numbers such as [10, 100]")
        if self.op in (">=", ">", "<=", "<") and not _is_number(self.value):
            out.append(f"{where}: {self.op!r} compares numbers but the value is not a number")
        return out

    def check_column(self, series: pd.Series) -> list[str]:
        """Return the problems of applying the rule to ``series`` (a column of the layer)."""
        numeric = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
        where = f"rule {self}"
        if self.op in _NUMERIC_OPS and not numeric:
            return [
                f"{where}: column {self.column!r} holds text ({series.dtype}) and cannot be "
                f"compared with {self.op!r}; convert it with pd.to_numeric or use == / in"
            ]
        values = self.value if isinstance(self.value, (list, tuple)) else [self.value]
        if self.op in ("==", "!=", "in", "not in") and values:
            if numeric and not pd.api.types.is_bool_dtype(series):
                if not all(_is_number(v) for v in values):
                    return [
                        f"{where}: column {self.column!r} holds numbers but the rule compares "
                        f"it with text {_fmt_value(self.value)}; write a number"
                    ]
            elif not numeric and any(isinstance(v, bool) for v in values):
                return [
                    f"{where}: column {self.column!r} holds text but the value was read as "
                    f"{_fmt_value(self.value)} (YAML reads yes/no/true/false as a truth value); "
                    "quote it, e.g. condition: \"== 'yes'\""
                ]
            elif not numeric and any(_is_number(v) for v in values):
                return [
                    f"{where}: column {self.column!r} holds text but the rule compares it with "
                    f"a number {_fmt_value(self.value)}; quote the value, e.g. '1'"
                ]
        return []

    def evaluate(self, df: pd.DataFrame) -> pd.Series:
        """Return a boolean Series, aligned to ``df``, of the rows that pass the rule.

        Parameters
        ----------
        df : pandas.DataFrame
            A table holding :attr:`column`.

        Returns
        -------
        pandas.Series
            ``bool`` values; a missing value gives ``missing == "pass"``.
        """
        s = df[self.column]
        present = s.notna().to_numpy()
        op, v = self.op, self.value
        if op == "not missing":
            out = present.copy()
        else:
            if op in _NUMERIC_OPS:
                vals = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            else:
                # pandas-stubs does not accept na_value=None, which pandas does.
                vals = s.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
            with np.errstate(invalid="ignore"):
                if op == "==":
                    res = vals == v
                elif op == "!=":
                    res = vals != v
                elif op == ">=":
                    res = vals >= v
                elif op == ">":
                    res = vals > v
                elif op == "<=":
                    res = vals <= v
                elif op == "<":
                    res = vals < v
                elif op == "in":
                    res = pd.Series(vals).isin(list(v)).to_numpy()
                elif op == "not in":
                    res = ~pd.Series(vals).isin(list(v)).to_numpy()
                else:  # between
                    res = (vals >= v[0]) & (vals <= v[1])
            out = np.where(present, np.asarray(res, dtype=bool), self.missing == "pass")
        return pd.Series(out, index=df.index, dtype=bool)

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as a plain dict (the form used in criteria files)."""
        d: dict[str, Any] = {"column": self.column, "condition": self.condition}
        if self.label:
            d["label"] = self.label
        if self.missing != "fail":
            d["missing"] = self.missing
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | str) -> Rule:
        """Build a rule from ``{column, condition[, label, missing]}`` or ``{column, op, value}``.

        A plain string ``"column op value"`` (column without spaces) is accepted too.
        """
        if isinstance(d, str):
            parts = d.strip().split(None, 1)
            if len(parts) != 2:
                raise ValidationError(
                    f"cannot read the rule {d!r}: write 'column operator value', "
                    "e.g. 'ครัวเรือนเกษตรกร >= 100', or a mapping {column:, condition:}"
                )
            return cls.parse(parts[0], parts[1])
        if "column" not in d:
            raise ValidationError(f"rule {dict(d)!r} has no 'column': add column: NAME")
        where = f"rule on column {excerpt(d['column'])}"
        column = text_value(d["column"], what=f"{where}: column")
        kw = {"label": text_value(d.get("label"), what=f"{where}: label"),
              "missing": text_value(d.get("missing"), what=f"{where}: missing", default="fail")}
        if "condition" in d:
            return cls.parse(column, text_value(d["condition"], what=f"{where}: condition"), **kw)
        if "op" in d:
            op = text_value(d["op"], what=f"{where}: op")
            return cls(column, "==" if op == "=" else op, d.get("value"), **kw)
        raise ValidationError(
            f"rule on column {d['column']!r} has no 'condition': add e.g. condition: '>= 1'"
        )


@dataclass(frozen=True)
class Agency:
    """The eligibility rules of one agency (or of both, for shared rules).

    Parameters
    ----------
    key : str
        Short identifier used in column names, e.g. ``"codi"`` gives ``eligible_codi``.
    rules : sequence of Rule
        All must pass.
    label : str, optional
        Display name, e.g. ``"พอช."``.

    Examples
    --------
    >>> Agency("nfc", [Rule.parse("ครัวเรือนเกษตรกร", "> 0")], label="สภาเกษตรกรแห่งชาติ").name
    'สภาเกษตรกรแห่งชาติ'
    """

    key: str
    rules: tuple[Rule, ...] = ()
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))

    @property
    def name(self) -> str:
        """The label, or the key when there is no label."""
        return self.label or self.key


@dataclass(frozen=True)
class Criterion:
    """One scored criterion.

    Parameters
    ----------
    column : str
        Column scored.
    weight : float
        Weight of the normalised value in the total score (>= 0).
    direction : {"higher", "lower"}
        Whether a higher or a lower value is better.
    normalize : {"minmax", "rank", "zscore", "classes", "map"}
        ``"minmax"`` scales to 0–1 (a constant column gives 1), ``"rank"`` is the percentile
        rank in (0, 1], ``"zscore"`` the standard score, ``"classes"`` gives class ``k`` of the
        ``thresholds`` the score ``class_scores[k]`` (default evenly spaced from 0 to 1) and
        ``"map"`` looks each value up in ``mapping`` (for text columns). Normalisation uses every
        row with a value, eligible or not.
    thresholds : sequence of float, optional
        Increasing class limits for ``"classes"``; a value equal to a limit goes to the upper
        class.
    class_scores : sequence of float, optional
        One score per class (``len(thresholds) + 1``).
    mapping : mapping, optional
        Value -> score for ``"map"``; a value not in the mapping counts as missing.
    missing : {"zero", "mean", "ineligible", "error"}
        What a missing value means: contributes 0 (default), the mean normalised value, makes
        the tambon ineligible, or is an error.
    label : str, optional
        Readable name used in explanations.
    name : str, optional
        Key used in the contribution column ``contrib_<name>``; defaults to ``column``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = Criterion("ครัวเรือนเกษตรกร", weight=0.5, normalize="classes", thresholds=[500, 1500])
    >>> c.normalized(pd.Series([400, 900, 2000, None])).tolist()
    [0.0, 0.5, 1.0, nan]
    """

    column: str
    weight: float = 1.0
    direction: str = "higher"
    normalize: str = "minmax"
    thresholds: tuple[float, ...] = ()
    class_scores: tuple[float, ...] = ()
    mapping: Mapping[Any, float] = field(default_factory=dict)
    missing: str = "zero"
    label: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "thresholds", tuple(self.thresholds or ()))
        object.__setattr__(self, "class_scores", tuple(self.class_scores or ()))
        object.__setattr__(self, "mapping", dict(self.mapping or {}))
        if not self.name:
            object.__setattr__(self, "name", self.column)

    @property
    def contribution_column(self) -> str:
        """Name of the column holding this criterion's contribution to the score."""
        return f"contrib_{self.name}"

    def problems(self) -> list[str]:
        """Return the problems of the criterion itself (empty when it is well formed)."""
        out = []
        where = f"criterion {self.name!r}"
        if not isinstance(self.weight, (int, float)) or not math.isfinite(self.weight):
            out.append(f"{where}: weight {self.weight!r} is not a number")
        elif self.weight < 0:
            out.append(f"{where}: weight {self.weight} is negative; use direction: lower instead")
        if self.direction not in DIRECTIONS:
            out.append(f"{where}: direction {self.direction!r}; use 'higher' or 'lower'")
        if self.normalize not in NORMALIZATIONS:
            out.append(
                f"{where}: normalize {self.normalize!r}; use one of {', '.join(NORMALIZATIONS)}"
            )
        if self.missing not in MISSING_SCORE:
            out.append(f"{where}: missing {self.missing!r}; use one of {', '.join(MISSING_SCORE)}")
        if self.normalize == "classes":
            t = self.thresholds
            if not t:
                out.append(f"{where}: normalize 'classes' needs thresholds, e.g. [500, 1500]")
            elif any(b <= a for a, b in itertools.pairwise(t)):
                out.append(f"{where}: thresholds {list(t)} must increase")
            if self.class_scores and len(self.class_scores) != len(t) + 1:
                out.append(
                    f"{where}: {len(t)} thresholds make {len(t) + 1} classes but "
                    f"{len(self.class_scores)} class_scores were given"
                )
        if self.normalize == "map" and not self.mapping:
            out.append(f"{where}: normalize 'map' needs a mapping such as {{มี: 1, ไม่มี: 0}}")
        return out

    def check_column(self, series: pd.Series) -> list[str]:
        """Return the problems of scoring ``series`` with this criterion."""
        numeric = pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
        if self.normalize != "map" and not numeric:
            sample = ", ".join(repr(v) for v in series.dropna().unique()[:3])
            return [
                f"criterion {self.name!r}: normalize {self.normalize!r} cannot apply to the text "
                f"column {self.column!r} (values such as {sample}); convert it to numbers or use "
                "normalize: map with a mapping {value: score}"
            ]
        return []

    def normalized(self, series: pd.Series) -> pd.Series:
        """Return the normalised values of ``series`` (NaN where missing), direction applied.

        Parameters
        ----------
        series : pandas.Series
            The column to score.

        Returns
        -------
        pandas.Series
            ``float`` values aligned to ``series``.
        """
        if self.normalize == "map":
            mapped = series.map(lambda v: self.mapping.get(v, np.nan) if pd.notna(v) else np.nan)
            x = pd.to_numeric(mapped, errors="coerce").astype(float)
            if self.direction == "lower":
                x = -x
            return x
        x = pd.to_numeric(series, errors="coerce").astype(float)
        if self.normalize == "minmax":
            lo, hi = x.min(), x.max()
            out = (x - lo) / (hi - lo) if hi > lo else x * 0 + 1.0
            return 1.0 - out if self.direction == "lower" and hi > lo else out
        if self.normalize == "rank":
            return (-x if self.direction == "lower" else x).rank(pct=True, method="average")
        if self.normalize == "zscore":
            sd = x.std(ddof=0)
            z = (x - x.mean()) / sd if sd > 0 else x * 0.0
            return -z if self.direction == "lower" else z
        # classes
        k = len(self.thresholds)
        scores = np.asarray(self.class_scores or np.linspace(0.0, 1.0, k + 1), dtype=float)
        idx = np.searchsorted(np.asarray(self.thresholds, dtype=float), x.to_numpy(), "right")
        vals = np.where(x.notna().to_numpy(), scores[np.minimum(idx, k)], np.nan)
        if self.direction == "lower":
            vals = scores.max() + scores.min() - vals
        return pd.Series(vals, index=series.index, dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """Return the criterion as a plain dict (the form used in criteria files)."""
        d: dict[str, Any] = {
            "column": self.column,
            "weight": float(self.weight),
            "direction": self.direction,
            "normalize": self.normalize,
        }
        if self.thresholds:
            d["thresholds"] = [float(t) for t in self.thresholds]
        if self.class_scores:
            d["class_scores"] = [float(s) for s in self.class_scores]
        if self.mapping:
            d["mapping"] = {str(k): float(v) for k, v in self.mapping.items()}
        d["missing"] = self.missing
        if self.label:
            d["label"] = self.label
        if self.name != self.column:
            d["name"] = self.name
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Criterion:
        """Build a criterion from a dict as written in a criteria file."""
        known = {
            "column", "weight", "direction", "normalize", "thresholds", "class_scores",
            "mapping", "missing", "label", "name",
        }  # fmt: skip
        unknown = sorted(set(d) - known)
        if "column" not in d or unknown:
            raise ValidationError(
                f"criterion {dict(d)!r}: "
                + ("has no 'column'; add column: NAME" if "column" not in d else "")
                + (f"unknown key(s) {unknown}; use {sorted(known)}" if unknown else "")
            )
        kw, where = dict(d), f"criterion {excerpt(d['column'])}"
        for key in ("column", "direction", "normalize", "missing", "label", "name"):
            if key in kw:
                kw[key] = text_value(kw[key], what=f"{where}: {key}")
        for key in ("weight", "thresholds", "class_scores"):
            if key in kw and kw[key] is not None:
                kw[key] = _numbers(kw[key], what=f"{where}: {key}", one=key == "weight")
        if not isinstance(kw.get("mapping") or {}, Mapping):
            raise ValidationError(
                f"{where}: mapping must map each value to a score, e.g. {{มี: 1, ไม่มี: 0}}, not "
                f"{excerpt(kw['mapping'])}"
            )
        return cls(**kw)


@dataclass(frozen=True)
class Criteria:
    """A full criteria specification: eligibility by agency and scored criteria.

    Parameters
    ----------
    agencies : sequence of Agency
        Eligibility rules by agency; a tambon must pass every agency's rules.
    criteria : sequence of Criterion
        Scored criteria; the score is the sum of ``weight * normalised value``.
    total_weight : float or None
        The declared sum of the weights (default 1); ``None`` skips the check (write
        ``total_weight: null`` in YAML, ``total_weight = false`` in TOML).
    name, description : str
        Free text, shown in reports.

    Raises
    ------
    ValidationError
        Listing every problem: malformed rules or criteria, duplicate names, weights that do
        not sum to ``total_weight``.

    Examples
    --------
    >>> crit = Criteria(criteria=[Criterion("a", weight=0.6), Criterion("b", weight=0.4)])
    >>> crit.weights
    {'a': 0.6, 'b': 0.4}
    >>> Criteria(criteria=[Criterion("a", weight=0.6)])
    Traceback (most recent call last):
    ...
    tambon_gis._errors.ValidationError: criteria have 1 problem(s):
      - the weights sum to 0.6 but total_weight is 1.0: fix the weights, ...
    """

    agencies: tuple[Agency, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    total_weight: float | None = 1.0
    name: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "agencies", tuple(self.agencies))
        object.__setattr__(self, "criteria", tuple(self.criteria))
        problems: list[str] = []
        for agency in self.agencies:
            if not re.fullmatch(r"\w+", agency.key):
                problems.append(
                    f"agency key {agency.key!r} must be one word (letters, digits, _), "
                    "e.g. codi; put the display name in label"
                )
            for rule in agency.rules:
                problems += rule.problems()
        keys = [a.key for a in self.agencies]
        names = [c.name for c in self.criteria]
        for kind, seq in (("agency key", keys), ("criterion name", names)):
            dupes = sorted({k for k in seq if seq.count(k) > 1})
            if dupes:
                problems.append(f"duplicate {kind}(s) {dupes}: give each a distinct name")
        for crit in self.criteria:
            problems += crit.problems()
        if self.total_weight is not None and self.criteria:
            total = sum(c.weight for c in self.criteria if isinstance(c.weight, (int, float)))
            if not math.isclose(total, self.total_weight, rel_tol=1e-9, abs_tol=1e-9):
                problems.append(
                    f"the weights sum to {total:g} but total_weight is {self.total_weight}: fix "
                    f"the weights, or set total_weight: {total:g} (or null to skip the check)"
                )
        _raise_all(problems, "criteria")

    @property
    def columns(self) -> list[str]:
        """Every column the criteria read, rules first, without repeats."""
        cols = [r.column for a in self.agencies for r in a.rules] + [
            c.column for c in self.criteria
        ]
        return list(dict.fromkeys(cols))

    @property
    def weights(self) -> dict[str, float]:
        """Criterion name -> weight."""
        return {c.name: float(c.weight) for c in self.criteria}

    def with_weights(self, weights: Mapping[str, float] | Sequence[float]) -> Criteria:
        """Return a copy with new weights (by criterion name, or in criterion order).

        ``total_weight`` of the copy is the new sum, so any weights are accepted.

        Examples
        --------
        >>> crit = Criteria(criteria=[Criterion("a", weight=0.5), Criterion("b", weight=0.5)])
        >>> crit.with_weights({"a": 0.8, "b": 0.2}).weights
        {'a': 0.8, 'b': 0.2}
        """
        if isinstance(weights, Mapping):
            unknown = sorted(set(weights) - set(self.weights))
            if unknown:
                raise ValidationError(
                    f"unknown criterion name(s) {unknown}: expected some of {list(self.weights)}"
                )
            new = [replace(c, weight=float(weights.get(c.name, c.weight))) for c in self.criteria]
        else:
            values = list(weights)
            if len(values) != len(self.criteria):
                raise ValidationError(
                    f"{len(values)} weights given for {len(self.criteria)} criteria: give one "
                    "weight per criterion, in order"
                )
            new = [replace(c, weight=float(w)) for c, w in zip(self.criteria, values, strict=True)]
        return replace(self, criteria=tuple(new), total_weight=sum(c.weight for c in new))

    def validate(self, gdf: pd.DataFrame) -> None:
        """Check that the criteria apply to ``gdf``; raise once listing every problem.

        Parameters
        ----------
        gdf : pandas.DataFrame or geopandas.GeoDataFrame
            The layer (or table) to score.

        Raises
        ------
        ValidationError
            Unknown columns (with the closest existing names), numeric rules or
            normalisations on text columns, text values compared with number columns.

        Examples
        --------
        >>> import pandas as pd
        >>> crit = Criteria(criteria=[Criterion("ครัวเรือน", weight=1.0)])
        >>> crit.validate(pd.DataFrame({"ครัวเรือนเกษตรกร": [1, 2]}))
        Traceback (most recent call last):
        ...
        tambon_gis._errors.ValidationError: criteria do not apply to the table: 1 problem(s):
          - criterion 'ครัวเรือน': unknown column 'ครัวเรือน'; did you mean 'ครัวเรือนเกษตรกร'?
        """
        problems: list[str] = []
        columns = [str(c) for c in gdf.columns]
        for agency in self.agencies:
            for rule in agency.rules:
                if rule.column not in gdf.columns:
                    problems.append(f"{agency.name} rule {rule}: " + _unknown(rule.column, columns))
                else:
                    problems += [f"{agency.name} {p}" for p in rule.check_column(gdf[rule.column])]
        for crit in self.criteria:
            if crit.column not in gdf.columns:
                problems.append(f"criterion {crit.name!r}: " + _unknown(crit.column, columns))
            else:
                problems += crit.check_column(gdf[crit.column])
        _raise_all(problems, "criteria do not apply to the table:")

    def to_dict(self) -> dict[str, Any]:
        """Return the specification as plain dicts and lists (the criteria file's content)."""
        d: dict[str, Any] = {}
        if self.name:
            d["name"] = self.name
        if self.description:
            d["description"] = self.description
        d["total_weight"] = self.total_weight
        d["eligibility"] = {
            a.key: {
                **({"label": a.label} if a.label else {}),
                "rules": [r.to_dict() for r in a.rules],
            }
            for a in self.agencies
        }
        d["criteria"] = [c.to_dict() for c in self.criteria]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Criteria:
        """Build criteria from the content of a criteria file.

        Examples
        --------
        >>> crit = Criteria.from_dict({
        ...     "eligibility": {"codi": {"label": "พอช.", "rules": ["สภาองค์กรชุมชนตำบล == มี"]}},
        ...     "criteria": [{"column": "ครัวเรือนเกษตรกร", "weight": 1}],
        ... })
        >>> crit.agencies[0].rules[0].value
        'มี'
        """
        if not isinstance(d, Mapping):
            raise ValidationError(
                f"a criteria file must hold a mapping with 'eligibility' and 'criteria', "
                f"not {type(d).__name__}"
            )
        check_nested(d, source="the criteria")
        known = {"name", "description", "total_weight", "eligibility", "criteria"}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValidationError(f"unknown key(s) {unknown} in criteria: use {sorted(known)}")
        agencies = []
        elig = d.get("eligibility") or {}
        if not isinstance(elig, Mapping):
            raise ValidationError(
                "'eligibility' must map an agency key to {label:, rules: [...]}, "
                f"not {type(elig).__name__}"
            )
        for key, spec in elig.items():
            if isinstance(spec, Mapping):
                label = text_value(spec.get("label"), what=f"agency {excerpt(key)}: label")
                rules = spec.get("rules") or []
            else:
                label, rules = "", spec or []
            if not isinstance(rules, (list, tuple)):
                raise ValidationError(
                    f"agency {excerpt(key)}: rules must be a list of rules, not "
                    f"{type(rules).__name__}; write rules: ['column >= 1', ...]"
                )
            agencies.append(Agency(str(key), tuple(Rule.from_dict(r) for r in rules), label=label))
        scored = d.get("criteria") or []
        if not isinstance(scored, (list, tuple)) or not all(isinstance(c, Mapping) for c in scored):
            raise ValidationError(
                "'criteria' must be a list of mappings such as {column: NAME, weight: 0.5}, "
                f"not {excerpt(scored)}"
            )
        crits = [Criterion.from_dict(c) for c in scored]
        total = d.get("total_weight", 1.0)
        return cls(
            agencies=tuple(agencies),
            criteria=tuple(crits),
            total_weight=None if total is None or total is False else float(total),
            name=text_value(d.get("name"), what="the criteria's name"),
            description=text_value(d.get("description"), what="the criteria's description"),
        )

    def to_file(self, path: str | Path) -> Path:
        """Write the criteria as YAML (``.yaml``/``.yml``) or TOML (``.toml``), UTF-8.

        Parameters
        ----------
        path : str or pathlib.Path
            Destination; the suffix picks the format.

        Returns
        -------
        pathlib.Path
            The path written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> crit = Criteria(criteria=[Criterion("ครัวเรือนเกษตรกร", weight=1.0)])
        >>> p = crit.to_file(pathlib.Path(tempfile.mkdtemp()) / "c.toml")
        >>> load_criteria(p) == crit
        True
        """
        path = Path(path)
        suffix = path.suffix.lower()
        data = self.to_dict()
        if suffix in (".yaml", ".yml"):
            import yaml

            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        elif suffix == ".toml":
            if data.get("total_weight") is None:
                data["total_weight"] = False  # TOML has no null
            text = toml_dumps(data)
        else:
            raise ValidationError(
                f"cannot write criteria to {path.name!r}: use a .yaml, .yml or .toml file name"
            )
        path.write_text(text, encoding="utf-8")
        logger.info("wrote criteria %r (%d criteria) to %s", self.name, len(self.criteria), path)
        return path

    def __repr__(self) -> str:
        lines = [f"Criteria({self.name!r})" if self.name else "Criteria()"]
        for a in self.agencies:
            lines.append(f"  eligibility {a.name}: " + "; ".join(str(r) for r in a.rules))
        for c in self.criteria:
            lines.append(
                f"  score {c.label or c.name}: weight {c.weight:g}, {c.direction} is better, "
                f"{c.normalize}, missing={c.missing}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(
            f"<tr><td>{e(a.name)}</td><td>{e(str(r))}</td><td>{e(r.missing)}</td></tr>"
            for a in self.agencies
            for r in a.rules
        )
        crows = "".join(
            f"<tr><td>{e(c.label or c.name)}</td><td>{c.weight:g}</td><td>{e(c.direction)}</td>"
            f"<td>{e(c.normalize)}</td><td>{e(c.missing)}</td></tr>"
            for c in self.criteria
        )
        return (
            f"<div><b>Criteria {e(self.name)}</b>"
            "<table><tr><th>agency</th><th>rule</th><th>if missing</th></tr>"
            f"{rows}</table><table><tr><th>criterion</th><th>weight</th><th>better</th>"
            f"<th>normalise</th><th>if missing</th></tr>{crows}</table></div>"
        )


def load_criteria(path: str | Path) -> Criteria:
    r"""Read a criteria file (YAML or TOML, UTF-8).

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.yaml``/``.yml`` or ``.toml`` file; see ``examples/criteria_joint.yaml``.

    Returns
    -------
    Criteria
        The validated specification.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValidationError
        If it cannot be parsed or the specification is malformed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = p.write_text(
    ...     "criteria:\n  - {column: ครัวเรือนเกษตรกร, weight: 1, normalize: rank}\n",
    ...     encoding="utf-8")
    >>> load_criteria(p).criteria[0].normalize
    'rank'
    """
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(
            f"criteria file {str(path)!r} does not exist: give the path of a .yaml or .toml file "
            "(see examples/criteria_joint.yaml)"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"the criteria file {str(path)!r} is not UTF-8 text ({exc}): save it as UTF-8 "
            "(in Notepad: Save as, Encoding UTF-8)"
        ) from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = load_yaml_unique(text, source=str(path))
        else:
            raise ValidationError(
                f"cannot read criteria from {path.name!r}: use a .yaml, .yml or .toml file"
            )
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            raise
        raise ValidationError(f"cannot parse the criteria file {str(path)!r}: {exc}") from exc
    except RecursionError:
        raise LimitError(
            f"the criteria file {str(path)!r} nests lists or mappings too deep to read: a "
            "criteria file needs a few levels; flatten it"
        ) from None
    except Exception as exc:  # yaml.YAMLError
        raise ValidationError(
            f"cannot parse the criteria file {str(path)!r}: {exc}; a condition that starts with "
            "> or < must be quoted in YAML, e.g. condition: '>= 50'"
        ) from exc
    check_nested(data, source=f"the criteria file {str(path)!r}")
    crit = Criteria.from_dict(data or {})
    logger.info(
        "load_criteria returned %d agencies, %d rules, %d scored criteria from %s",
        len(crit.agencies),
        sum(len(a.rules) for a in crit.agencies),
        len(crit.criteria),
        path,
    )
    return crit


def _unknown(column: str, columns: Iterable[str]) -> str:
    from rapidfuzz import process

    columns = list(columns)
    if PLAN_FACT.match(column):
        return (
            f"unknown column {column!r}: it is a plan fact read from a store of tambon plans; "
            "pass plans=STORE to score_areas / select_areas (tambon-gis select --plans STORE)"
        )
    best = process.extractOne(column, columns, score_cutoff=60) if columns else None
    hint = f"did you mean {best[0]!r}?" if best else f"the table has {columns[:12]}"
    return f"unknown column {column!r}; {hint}"


def _raise_all(problems: list[str], what: str) -> None:
    if problems:
        head = what if what.endswith(":") else f"{what} have"
        msg = f"{head} {len(problems)} problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        raise ValidationError(msg)
