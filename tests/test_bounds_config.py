"""Criteria files that would hang or exhaust memory (issue 16): aliases, depth, wrong types."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from test_bounds import deadline

from tambon_gis import settings
from tambon_gis._errors import LimitError, TambonGISError, ValidationError
from tambon_gis.criteria import Criteria, load_criteria

GOOD = "criteria:\n  - {column: ครัวเรือน, weight: 1}\n"


def laughs(levels: int, *, where: str) -> str:
    """A "billion laughs" criteria file: 10**levels values from a few hundred bytes."""
    lines = ['x0: &x0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    for k in range(1, levels):
        lines.append(f"x{k}: &x{k} [" + ", ".join([f"*x{k - 1}"] * 10) + "]")
    if where == "label":  # inside a criterion, where the keys are all known
        return (
            "total_weight: null\ncriteria:\n  - column: ครัวเรือน\n    weight: 1\n"
            f"    label: &x0 {lines[0].split('&x0 ')[1]}\n"
            + "".join(
                f"  - column: c{k}\n    weight: 1\n    label: &x{k} ["
                + ", ".join([f"*x{k - 1}"] * 10) + "]\n"
                for k in range(1, levels)
            )
        )
    return "\n".join(lines) + f"\ncriteria: *x{levels - 1}\n"


@pytest.mark.parametrize("where", ["label", "top"])
def test_billion_laughs_is_refused_at_once_in_bounded_memory(tmp_path: Path, where: str) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs(9, where=where), encoding="utf-8")  # 10**9 values, < 2 kB
    assert path.stat().st_size < 2_000
    tracemalloc.start()  # the Python memory of this call, whatever the worker held before
    try:
        with deadline(30), pytest.raises(LimitError, match=r"settings\.max_config_values") as err:
            load_criteria(path)
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert len(str(err.value)) < 400
    assert peak_mb < 50


def test_a_file_within_the_limit_reads_and_the_limit_can_be_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_criteria(path).criteria[0].column == "ครัวเรือน"
    path.write_text(laughs(5, where="label"), encoding="utf-8")  # 10**5 values
    with pytest.raises(LimitError):
        load_criteria(path)
    monkeypatch.setattr(settings, "max_config_values", 1_000_000)
    with pytest.raises(ValidationError, match="label must be text, not a list"):
        load_criteria(path)  # read, then refused for what it says


def test_self_reference_and_deep_nesting_are_limit_errors(tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text("a: &a [*a]\ncriteria: *a\n", encoding="utf-8")
    with deadline(30), pytest.raises(LimitError, match="refers to itself"):
        load_criteria(own)
    deep = tmp_path / "deep.yaml"
    deep.write_text("criteria: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    with deadline(60), pytest.raises(LimitError, match=r"too deep|levels deep"):
        load_criteria(deep)
    toml = tmp_path / "deep.toml"
    toml.write_text("criteria = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    with deadline(60), pytest.raises(LimitError, match=r"too deep|levels deep"):
        load_criteria(toml)
    nested = tmp_path / "nested.yaml"
    nested.write_text("criteria: " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")
    with pytest.raises(LimitError, match=r"settings\.max_config_depth"):
        load_criteria(nested)


def test_a_long_text_is_a_limit_error_quoting_no_more_than_an_excerpt(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(f"name: {'ก' * 200_000}\n{GOOD}", encoding="utf-8")
    with pytest.raises(LimitError, match=r"settings\.max_cell_chars") as err:
        load_criteria(path)
    assert len(str(err.value)) < 400


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"criteria": [{"column": "a", "label": ["x", "y"]}]}, "label must be text, not a list"),
        ({"criteria": [{"column": "a", "normalize": "map", "mapping": ["มี", 1]}]},
         "mapping must map each value to a score"),
        ({"criteria": [{"column": "a", "weight": "heavy"}]}, "weight must be a number"),
        ({"criteria": [{"column": "a", "normalize": "classes", "thresholds": 500}]},
         "thresholds must be a list of numbers"),
        ({"criteria": [{"column": {"a": 1}}]}, "column must be text, not a mapping"),
        ({"criteria": {"column": "a"}}, "'criteria' must be a list of mappings"),
        ({"eligibility": {"codi": {"rules": "a >= 1"}}}, "rules must be a list of rules"),
        ({"eligibility": {"codi": {"rules": [{"column": "a", "condition": [">=", 1]}]}}},
         "condition must be text, not a list"),
        ({"name": {"th": "x"}, "criteria": []}, "name must be text, not a mapping"),
    ],
)
def test_values_of_the_wrong_type_are_named(spec: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message) as err:
        Criteria.from_dict(spec)
    assert isinstance(err.value, TambonGISError)


def test_numeric_text_still_reads_as_numbers() -> None:
    crit = Criteria.from_dict({"criteria": [{"column": "a", "weight": "1", "normalize": "classes",
                                             "thresholds": ["10", 20]}]})  # fmt: skip
    assert crit.criteria[0].weight == 1.0 and crit.criteria[0].thresholds == (10.0, 20.0)
