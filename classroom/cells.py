"""Reading lesson notebooks: which cells nbgrader grades, the exercises' numbers and titles, run times."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HIDDEN_BEGIN, HIDDEN_END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
SOLUTION_BEGIN, SOLUTION_END = "BEGIN SOLUTION", "END SOLUTION"
EXERCISE_HEADING = re.compile(r"\*\*Exercise\s+(\d+)\s*(?:\(([^)]*)\))?\.?\*\*")


def lesson_notebooks(folder: Path | None = None) -> list[Path]:
    """The lesson notebooks NN_name.ipynb of a folder (default: notebooks/), in lesson order."""
    return sorted(Path(folder or ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata ({} when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_autograded_test(cell) -> bool:
    m = nbgrader_meta(cell)
    return bool(m.get("grade")) and not m.get("solution")


def is_solution(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_manual_answer(cell) -> bool:
    m = nbgrader_meta(cell)
    return bool(m.get("grade")) and bool(m.get("solution"))


def _partition(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """(the lines between the line holding `begin` and the one holding `end`, the lines outside); the
    marker lines themselves are in neither."""
    within, outside, inside = [], [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (within if inside else outside).append(line)
    return within, outside


def region(source: str, begin: str, end: str) -> list[str]:
    """The lines of `source` between the line holding `begin` and the one holding `end`."""
    return _partition(source, begin, end)[0]


def strip_region(source: str, begin: str, end: str) -> str:
    """`source` without the lines from the one holding `begin` to the one holding `end`."""
    return "\n".join(_partition(source, begin, end)[1])


def questions(nb) -> list[dict]:
    """The graded cells of a notebook in order: grade_id, kind ('auto' or 'manual'), points."""
    found = []
    for cell in nb.cells:
        m = nbgrader_meta(cell)
        if m.get("grade"):
            found.append({"grade_id": m["grade_id"], "kind": "manual" if m.get("solution") else "auto",
                          "points": float(m.get("points", 0))})
    return found


def exercise_titles(nb) -> dict[str, str]:
    """{grade_id: 'Exercise 3 (cross-entropy from logits)'} for every graded cell, from the prompts above it."""
    titles, current, listed = {}, None, 0
    for cell in nb.cells:
        m = nbgrader_meta(cell)
        if cell.cell_type == "markdown" and not m:
            found = EXERCISE_HEADING.search(cell.source)
            numbered = re.search(r"^\s*(\d+)\.\s+(.*)", cell.source, re.M)
            if found:
                current = f"Exercise {found.group(1)}" + (f" ({found.group(2)})" if found.group(2) else "")
            elif numbered:
                first = re.split(r"(?<=[.?:])\s", numbered.group(2).strip(), maxsplit=1)[0]
                current = f"Exercise {numbered.group(1)} ({first[:60].rstrip('.:?')})"
        if m.get("grade"):
            listed += 1
            number = re.search(r"ex(\d+)", m.get("grade_id", ""))
            titles[m["grade_id"]] = current or f"Exercise {number.group(1) if number else listed}"
    return titles


def cell_seconds(cell) -> float:
    """A cell's run time recorded by nbclient in the executed notebook (0 when not recorded)."""
    ex = cell.get("metadata", {}).get("execution", {})
    try:
        t0 = datetime.fromisoformat(ex["iopub.execute_input"].replace("Z", "+00:00"))
        t1 = datetime.fromisoformat(ex["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return (t1 - t0).total_seconds()


def estimated_seconds(path: Path) -> float:
    """Execution time recorded in the executed notebook, else a guess from its size."""
    nb = nbformat.read(path, as_version=4)
    return sum(map(cell_seconds, nb.cells)) or path.stat().st_size / 1e4


def cell_timeout(path: Path, factor: float = 4, floor: float = 60, ceiling: float = 300) -> int:
    """The per-cell time limit for grading a lesson: `factor` times its slowest recorded cell, in [floor, ceiling]."""
    nb = nbformat.read(path, as_version=4)
    slowest = max((cell_seconds(c) for c in nb.cells), default=0.0)
    return int(min(ceiling, max(floor, factor * slowest)))
