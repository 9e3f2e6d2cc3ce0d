"""Tests of tambon_gis.criteria: rules, scored criteria, validation, criteria files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import tambon_gis as tg
from tambon_gis._errors import ValidationError
from tambon_gis.criteria import Agency, Criteria, Criterion, Rule, load_criteria
from tambon_gis.selection import score_areas

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: The shipped criteria on table columns only, and the same criteria reading plan facts.
EXAMPLE = EXAMPLES / "criteria_joint.yaml"
EXAMPLE_PLANS = EXAMPLES / "criteria_joint_plans.yaml"


def pilot_like() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tambon_code": ["500101", "500102", "500103", "500104", "500105"],
            "สภาองค์กรชุมชนตำบล": ["มี", "ไม่มี", "มี", None, "มี"],
            "แผนเกษตรตำบล": ["มี", "มี", "ไม่มี", "มี", "มี"],
            "ครัวเรือนเกษตรกร": [1240.0, 982.0, np.nan, 2134.0, 415.0],
            "สมาชิกสภาเกษตรกร": [12, 0, 55, 130, 3],
            "ประเด็นนโยบาย": ["ที่ดินและป่าไม้", "CPTPP", "การผลิตฐานราก", None, "อื่น ๆ"],
        }
    )


# ---------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("condition", "op", "value"),
    [
        (">= 50", ">=", 50),
        ("> 1.5", ">", 1.5),
        ("<= 3", "<=", 3),
        ("< 3", "<", 3),
        ("== มี", "==", "มี"),
        ("= มี", "==", "มี"),
        ("== 'มี'", "==", "มี"),
        ("!= ไม่มี", "!=", "ไม่มี"),
        ("in [มี, กำลังจัดตั้ง]", "in", ["มี", "กำลังจัดตั้ง"]),
        ("not  in [ไม่มี]", "not in", ["ไม่มี"]),
        ("between [10, 100]", "between", [10, 100]),
        ("not missing", "not missing", None),
    ],
)
def test_rule_parse(condition, op, value):
    rule = Rule.parse("x", condition)
    assert (rule.op, rule.value) == (op, value)
    assert Rule.parse("x", rule.condition) == rule  # the condition text round-trips


def test_rule_evaluate_every_operator_and_missing():
    df = pd.DataFrame({"n": [5.0, 10.0, 20.0, np.nan], "t": ["มี", "ไม่มี", "มี", None]})
    ev = lambda col, cond, **kw: Rule.parse(col, cond, **kw).evaluate(df).tolist()  # noqa: E731
    assert ev("n", ">= 10") == [False, True, True, False]
    assert ev("n", "> 10") == [False, False, True, False]
    assert ev("n", "< 10") == [True, False, False, False]
    assert ev("n", "<= 10", missing="pass") == [True, True, False, True]
    assert ev("n", "between [6, 20]") == [False, True, True, False]
    assert ev("t", "== มี") == [True, False, True, False]
    assert ev("t", "!= มี") == [False, True, False, False]
    assert ev("t", "in [มี, ไม่มี]") == [True, True, True, False]
    assert ev("t", "not in [มี]", missing="pass") == [False, True, False, True]
    assert ev("t", "not missing") == [True, True, True, False]


def test_rule_parse_rejects_unknown_operator():
    with pytest.raises(ValidationError, match=r"cannot read the condition '~ 5'.*>= 50"):
        Rule.parse("x", "~ 5")
    with pytest.raises(ValidationError, match="has no value after '>='"):
        Rule.parse("x", ">=")


def test_rule_from_dict_forms():
    assert Rule.from_dict("ครัวเรือนเกษตรกร >= 100") == Rule("ครัวเรือนเกษตรกร", ">=", 100)
    assert Rule.from_dict({"column": "a", "op": "=", "value": "มี"}) == Rule("a", "==", "มี")
    with pytest.raises(ValidationError, match="has no 'condition'"):
        Rule.from_dict({"column": "a"})
    with pytest.raises(ValidationError, match="has no 'column'"):
        Rule.from_dict({"condition": ">= 1"})


# ---------------------------------------------------------------- normalisation


def test_normalisations():
    s = pd.Series([10.0, 20.0, 30.0, np.nan])
    mm = Criterion("x", normalize="minmax").normalized(s)
    assert mm.tolist()[:3] == [0.0, 0.5, 1.0] and np.isnan(mm.iloc[3])
    low = Criterion("x", normalize="minmax", direction="lower").normalized(s)
    assert low.tolist()[:3] == [1.0, 0.5, 0.0]
    rk = Criterion("x", normalize="rank").normalized(s)
    assert rk.tolist()[:3] == pytest.approx([1 / 3, 2 / 3, 1.0])
    rkl = Criterion("x", normalize="rank", direction="lower").normalized(s)
    assert rkl.tolist()[:3] == pytest.approx([1.0, 2 / 3, 1 / 3])
    z = Criterion("x", normalize="zscore").normalized(s)
    assert z.tolist()[:3] == pytest.approx([-1.224744871, 0.0, 1.224744871])
    cl = Criterion("x", normalize="classes", thresholds=[15, 30]).normalized(s)
    assert cl.tolist()[:3] == [0.0, 0.5, 1.0]  # 30 is on a limit: upper class
    cs = Criterion("x", normalize="classes", thresholds=[15], class_scores=[0.2, 0.9])
    assert cs.normalized(s).tolist()[:3] == [0.2, 0.9, 0.9]
    cl_low = Criterion("x", normalize="classes", thresholds=[15], direction="lower")
    assert cl_low.normalized(s).tolist()[:3] == [1.0, 0.0, 0.0]
    mp = Criterion("x", normalize="map", mapping={"มี": 1, "ไม่มี": 0})
    out = mp.normalized(pd.Series(["มี", "ไม่มี", "อื่น", None]))
    assert out.tolist()[:2] == [1.0, 0.0] and out.iloc[2:].isna().all()
    const = Criterion("x").normalized(pd.Series([4.0, 4.0]))
    assert const.tolist() == [1.0, 1.0]


# ---------------------------------------------------------------- validation


def test_criteria_collects_every_problem_at_once():
    with pytest.raises(ValidationError) as err:
        Criteria(
            agencies=[
                Agency("codi", [Rule("a", "in", "มี"), Rule("b", ">=", "x")]),
                Agency("codi", []),
                Agency("ผิด key", []),
            ],
            criteria=[
                Criterion("c", weight=-0.5),
                Criterion("d", weight=0.5, normalize="classes"),
                Criterion("e", weight=0.5, normalize="log", direction="up", missing="skip"),
                Criterion("f", weight=0.5, normalize="map"),
                Criterion("g", weight=0.1, normalize="classes", thresholds=[3, 1]),
            ],
        )
    msg = str(err.value)
    for part in [
        "'in' needs a list",
        "'>=' compares numbers",
        "duplicate agency key(s) ['codi']",
        "must be one word",
        "weight -0.5 is negative; use direction: lower",
        "needs thresholds",
        "normalize 'log'",
        "direction 'up'",
        "missing 'skip'",
        "normalize 'map' needs a mapping",
        "thresholds [3, 1] must increase",
        "the weights sum to 1.1 but total_weight is 1.0",
    ]:
        assert part in msg, part
    assert "12 problem(s)" in msg


def test_total_weight_declared_or_skipped():
    Criteria(criteria=[Criterion("a", weight=3), Criterion("b", weight=2)], total_weight=5)
    Criteria(criteria=[Criterion("a", weight=3)], total_weight=None)
    with pytest.raises(ValidationError, match=r"sum to 5 but total_weight is 1\.0"):
        Criteria(criteria=[Criterion("a", weight=3), Criterion("b", weight=2)])


def test_validate_against_a_table_names_columns_and_fixes():
    crit = Criteria(
        agencies=[
            Agency(
                "codi",
                [
                    Rule.parse("สภาองค์กรชุมชน", "== มี"),
                    Rule.parse("สภาองค์กรชุมชนตำบล", ">= 1"),
                    Rule.parse("ครัวเรือนเกษตรกร", "== มาก"),
                    Rule.parse("แผนเกษตรตำบล", "== 1"),
                    Rule.parse("แผนเกษตรตำบล", "== yes"),
                ],
                label="พอช.",
            )
        ],
        criteria=[
            Criterion("ประเด็นนโยบาย", weight=0.5),
            Criterion("ครัวเรือน", weight=0.5),
        ],
    )
    with pytest.raises(ValidationError) as err:
        crit.validate(pilot_like())
    msg = str(err.value)
    assert "7 problem(s)" in msg
    assert "unknown column 'สภาองค์กรชุมชน'; did you mean 'สภาองค์กรชุมชนตำบล'?" in msg
    assert "holds text (str) and cannot be compared with '>='" in msg
    assert "holds numbers but the rule compares it with text 'มาก'" in msg
    assert "holds text but the rule compares it with a number 1" in msg
    assert "(YAML reads yes/no/true/false as a truth value); quote it" in msg
    assert "normalize 'minmax' cannot apply to the text column 'ประเด็นนโยบาย'" in msg
    assert "use normalize: map" in msg
    assert "unknown column 'ครัวเรือน'; did you mean 'ครัวเรือนเกษตรกร'?" in msg


def test_with_weights():
    crit = Criteria(criteria=[Criterion("a", weight=0.5), Criterion("b", weight=0.5)])
    assert crit.with_weights([2, 1]).weights == {"a": 2.0, "b": 1.0}
    assert crit.with_weights([2, 1]).total_weight == 3.0
    assert crit.weights == {"a": 0.5, "b": 0.5}  # the original is unchanged
    with pytest.raises(ValidationError, match="unknown criterion name"):
        crit.with_weights({"z": 1})
    with pytest.raises(ValidationError, match="1 weights given for 2 criteria"):
        crit.with_weights([1])


# ---------------------------------------------------------------- files


def full_criteria() -> Criteria:
    return Criteria(
        name="ทดสอบ ไป-กลับ",
        description="มี \"คำพูด\" และ\nบรรทัดใหม่",
        total_weight=None,
        agencies=[
            Agency("codi", [Rule.parse("สภาองค์กรชุมชนตำบล", "== มี", label="มีสภาฯ")], label="พอช."),
            Agency("nfc", [Rule.parse("สมาชิกสภาเกษตรกร", "between [1, 500]", missing="pass")]),
            Agency("both", [Rule.parse("แผนเกษตรตำบล", "in [มี, 'yes']")]),
        ],
        criteria=[
            Criterion("ครัวเรือนเกษตรกร", weight=0.5, normalize="rank", label="ครัวเรือน"),
            Criterion(
                "สมาชิกสภาเกษตรกร", weight=0.25, normalize="classes", thresholds=[10, 50],
                class_scores=[0, 0.4, 1], direction="lower", missing="mean",
            ),
            Criterion(
                "ประเด็นนโยบาย", weight=0.75, normalize="map",
                mapping={"ที่ดินและป่าไม้": 1, "CPTPP": 0.4}, missing="ineligible", name="issue",
            ),
        ],
    )  # fmt: skip


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".toml"])
def test_round_trip(tmp_path, suffix):
    crit = full_criteria()
    path = crit.to_file(tmp_path / f"เกณฑ์{suffix}")
    text = path.read_text(encoding="utf-8")
    assert "สภาองค์กรชุมชนตำบล" in text  # Thai written as Thai, not escapes
    back = load_criteria(path)
    assert back == crit
    assert back.to_dict() == crit.to_dict()


def test_example_file_loads_and_applies():
    crit = load_criteria(EXAMPLE)
    assert [a.key for a in crit.agencies] == ["codi", "nfc", "both"]
    assert sum(crit.weights.values()) == pytest.approx(1.0)
    # table columns only: it applies to a pilot-like table with no plans
    crit.validate(pilot_like())
    scored = score_areas(pilot_like(), crit)
    assert scored["eligible"].tolist() == [True, False, False, False, True]
    # the policy issue is scored from its text; a value not in the mapping scores as missing
    assert scored.loc[0, "score"] > scored.loc[4, "score"]
    assert tg.load_criteria is load_criteria and tg.Criteria is Criteria


@pytest.mark.parametrize("table", ["pilot_tambons.csv", "candidates.csv"])
def test_both_example_tables_carry_every_column_the_example_criteria_read(table):
    crit = load_criteria(EXAMPLE)
    columns = set(tg.read_table(EXAMPLES / table).columns)
    read = {r.column for a in crit.agencies for r in a.rules} | {c.column for c in crit.criteria}
    assert read <= columns, f"{table} lacks {sorted(read - columns)}"


def test_plans_example_reads_plan_facts():
    crit = load_criteria(EXAMPLE_PLANS)
    assert [a.key for a in crit.agencies] == ["codi", "nfc", "both"]
    assert sum(crit.weights.values()) == pytest.approx(1.0)
    # it reads plan facts (tambon_gis.plans.plan_facts), not hand-made columns
    with pytest.raises(ValidationError, match=r"it is a plan fact.*plans=STORE"):
        crit.validate(pilot_like())
    facts = pilot_like().assign(
        has_adopted_agricultural_plan=[True, True, False, True, True],
        **{f"raises_{i}": [False] * 5 for i in ("forest_land", "food_security",
                                                  "grassroots_production", "cptpp")},
    )  # fmt: skip
    crit.validate(facts)


def test_load_criteria_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_criteria(tmp_path / "missing.yaml")
    bad = tmp_path / "c.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"use a \.yaml, \.yml or \.toml"):
        load_criteria(bad)
    unquoted = tmp_path / "c.yaml"
    unquoted.write_text(
        "criteria:\n  - column: a\n    weight: 1\neligibility:\n  x:\n    rules:\n"
        "      - column: a\n        condition: >= 5\n        label: z\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="must be quoted in YAML"):
        load_criteria(unquoted)
    wrong_key = tmp_path / "k.yaml"
    wrong_key.write_text("criterias: []\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"unknown key\(s\) \['criterias'\]"):
        load_criteria(wrong_key)
    bad_crit = tmp_path / "b.toml"
    bad_crit.write_text('[[criteria]]\ncolumn = "a"\nwieght = 1.0\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"unknown key\(s\) \['wieght'\]"):
        load_criteria(bad_crit)
    with pytest.raises(ValidationError, match=r"use a \.yaml, \.yml or \.toml file name"):
        full_criteria().to_file(tmp_path / "c.txt")


def test_repr_and_html():
    crit = full_criteria()
    text = repr(crit)
    assert "eligibility พอช.: มีสภาฯ" in text
    assert "score ครัวเรือน: weight 0.5, higher is better, rank" in text
    html = crit._repr_html_()
    assert "<table>" in html and "สมาชิกสภาเกษตรกร" in html


def test_duplicate_keys_in_yaml_name_the_key_and_both_lines(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert load_criteria(EXAMPLE)  # the example itself has no duplicate
    # repeat the first top-level key further down, with another value
    first = next(i for i, line in enumerate(lines) if line and not line.startswith((" ", "#", "-")))
    key = lines[first].split(":")[0]
    dup = tmp_path / "dup.yaml"
    dup.write_text("\n".join([*lines, f"{key}: other"]) + "\n", encoding="utf-8")
    with pytest.raises(
        tg.TambonGISError,
        match=f"the key '{key}' twice, on line {first + 1} and on line {len(lines) + 1}",
    ):
        load_criteria(dup)
    nested = tmp_path / "nested.yaml"
    nested.write_text(
        "agencies:\n  - name: A\n    rules:\n      - column: x\n        condition: '>= 1'\n"
        "        column: y\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="'column' twice, on line 4 and on line 6"):
        load_criteria(nested)


def test_criteria_file_not_utf8_is_a_library_error(tmp_path):
    bad = tmp_path / "cp874.yaml"
    bad.write_bytes("agencies:\n  - name: สาธารณสุข\n".encode("cp874"))
    with pytest.raises(tg.errors.EncodingError, match=r"cp874.yaml' is not UTF-8"):
        load_criteria(bad)
