"""The small test programme of the monitoring tests: 7 areas, 3 indicators, their targets."""

from __future__ import annotations

from pathlib import Path

from tambon_gis.monitoring import MonitoringStore, open_store

DATA = Path(__file__).parent / "data"


def make_store(address: str | Path) -> MonitoringStore:
    """Open (or create) a store at ``address`` with the test programme set up."""
    store = open_store(address, name="โครงการนำร่อง", fiscal_years=(2566, 2567))
    store.set_areas(DATA / "monitor_areas.csv")
    store.set_indicators(DATA / "monitor_indicators.csv")
    store.set_targets(DATA / "monitor_targets.csv")
    return store
