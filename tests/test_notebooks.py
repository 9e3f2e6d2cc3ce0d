"""Every notebook in notebooks/ runs top to bottom on the real boundaries."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 4, [p.name for p in NOTEBOOKS]


@pytest.mark.notebook
@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("source", ["hdx", "embedded"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, source: str, tambon_simplified_zip: Path, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    # "embedded": as on a fresh machine, no boundaries variable and no download: the notebooks
    # run on the layer embedded in the package
    if source == "hdx":
        monkeypatch.setenv("TAMBON_GIS_BOUNDARIES", str(tambon_simplified_zip))
    else:
        monkeypatch.delenv("TAMBON_GIS_BOUNDARIES", raising=False)
    monkeypatch.setenv("TAMBON_GIS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TAMBON_GIS_OFFLINE", "1")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=180, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [
        out for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", []) if out.get("output_type") == "error"
    ]  # fmt: skip
    assert not errors
