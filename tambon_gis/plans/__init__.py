"""Tambon development plans, agricultural plans and the policy issues they raise.

The partners' shared tools, kept in the monitoring store beside the KPIs (on every backend it
supports, with the same access scopes): a plan per tambon and type (development /
agricultural), the fiscal years it covers and its status, and its items — activity, policy
issues from a controlled bilingual vocabulary, budget per fiscal year and source, lead and
partner agencies, the KPIs it serves. Items are keyed by (tambon, plan type, first fiscal year,
item number) and every revision is kept.

- :func:`import_plans` reads the spreadsheets councils fill in (typed tambon names matched with
  :func:`tambon_gis.matching.match_areas`), all or nothing, with a rejected-rows report;
- :func:`plans`, :func:`plan_items`, :func:`plan_status`, :func:`plan_coverage`,
  :func:`issue_rollup`, :func:`plan_gaps` and :func:`plan_facts` answer the questions;
- :func:`plan_map`, :func:`issue_map` and :func:`policy_brief` draw them;
- :func:`policy_issues` and :func:`add_policy_issues` read and extend the vocabulary.

Examples
--------
>>> import tempfile, pathlib
>>> from tambon_gis.monitoring import open_store
>>> from tambon_gis.datasets import example_path
>>> from tambon_gis import plans
>>> store = open_store(pathlib.Path(tempfile.mkdtemp()) / "plans.sqlite")
>>> store.set_areas(example_path("monitoring/areas.csv"))
>>> store.set_indicators(example_path("monitoring/indicators.csv"))
>>> plans.import_plans(store, example_path("plans/tambon_plans_2566.csv")).ok
True
>>> int(plans.plan_coverage(store, level="all")["n_areas"].iloc[0])
23
>>> store.close()
"""

from tambon_gis.plans.brief import policy_brief
from tambon_gis.plans.history import plan_history
from tambon_gis.plans.io import FIELDS, PlanImportReport, import_plans
from tambon_gis.plans.maps import issue_map, plan_map
from tambon_gis.plans.queries import (
    LEVELS,
    issue_rollup,
    plan_coverage,
    plan_facts,
    plan_gaps,
    plan_items,
    plan_status,
    plans,
    with_plan_facts,
)
from tambon_gis.plans.vocabulary import add_policy_issues, issue_names, policy_issues

__all__ = [
    "FIELDS",
    "LEVELS",
    "PlanImportReport",
    "add_policy_issues",
    "import_plans",
    "issue_map",
    "issue_names",
    "issue_rollup",
    "plan_coverage",
    "plan_facts",
    "plan_gaps",
    "plan_history",
    "plan_items",
    "plan_map",
    "plan_status",
    "plans",
    "policy_brief",
    "policy_issues",
    "with_plan_facts",
]
