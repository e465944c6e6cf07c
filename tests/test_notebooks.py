"""Notebook hygiene: committed executed top to bottom, clean, small, and shaped like a lesson."""
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_BYTES = 1_000_000


def _cells(path, kind):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == kind]


def _source(cell):
    return "".join(cell["source"])


def test_the_series_is_numbered_without_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executed_top_to_bottom_without_errors(path):
    code = _cells(path, "code")
    assert all(_source(c).strip() for c in code), "empty code cell"
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", _source(cell)[:80]
            assert output.get("name") != "stderr" or "Warning" not in "".join(output.get("text", "")), \
                f"a warning is committed in: {_source(cell)[:80]}"
            assert "image/svg+xml" not in output.get("data", {}), "figures are PNG"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_small_and_shaped_like_a_lesson(path):
    assert path.stat().st_size < MAX_BYTES
    markdown = [_source(c) for c in _cells(path, "markdown")]
    assert markdown[0].startswith(f"# {path.name[:2]}. ")
    for field in ("**Prerequisites:**", "**Time in class:**", "**What you will learn**"):
        assert field in markdown[0], f"the header (first markdown cell) lacks {field}"
    headings = [line for text in markdown for line in text.splitlines() if line.startswith("## ")]
    assert "## Summary" in headings and "## Exercises" in headings
    assert json.loads(path.read_text())["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_test_machinery_in_the_lesson(path):
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        text = _source(cell)
        assert "NBVAL_" not in text, f"use an nbval cell tag, not a comment: {text[:80]}"
        for word in ("nbval", "nbclient", "test machine"):
            assert word not in text.lower(), f"'{word}' belongs in the README's maintainer notes: {text[:80]}"
