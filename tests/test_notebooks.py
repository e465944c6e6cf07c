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
    assert "what you will learn" in markdown[0].lower() or "what you will learn" in markdown[1].lower()
    headings = [line for text in markdown for line in text.splitlines() if line.startswith("## ")]
    assert "## Summary" in headings and "## Exercises" in headings
    assert json.loads(path.read_text())["metadata"]["kernelspec"]["name"] == "python3"
