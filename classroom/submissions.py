"""Handed-in notebooks: which lesson each file is, and putting back what a student's copy lost.

SUBMISSIONS/<student>/<notebook>.ipynb; the file may be renamed the way tools name copies
("Copy of 03_softmax_scratch.ipynb", "03_softmax_scratch (1).ipynb", "03_softmax_scratch-Copy1.ipynb")
or start with the lesson number. Before grading, each notebook is compared with the student edition:
a deleted or edited test cell is put back, cell metadata that was stripped (by an editor that drops it)
is restored where the cell can be recognised, and what could not be restored is counted.
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
from cells import HIDDEN_BEGIN, HIDDEN_END, is_autograded_test, nbgrader_meta, strip_region

COPY_NAMES = [re.compile(p) for p in (r"^(?:Copy of )+", r"\s*\(\d+\)$", r"-Copy\d*$", r"\s+copy(?:\s*\d+)?$",
                                      r"-checkpoint$")]
OUTPUT_MARKER = ".d2lmini-output"  # an earlier output folder (d2lmini.outdir) is never a student


def lesson_of(filename: str, names: list[str]) -> str | None:
    """The lesson a handed-in file is, from its name (None when it is none of `names`)."""
    stem = Path(filename).stem
    for _ in range(3):
        for pattern in COPY_NAMES:
            stem = pattern.sub("", stem)
    if stem in names:
        return stem
    number = re.match(r"(\d\d)_", stem)
    by_number = [a for a in names if number and a.startswith(number.group(1) + "_")]
    return by_number[0] if len(by_number) == 1 else None


def collect_submissions(submissions: Path, names: list[str]) -> tuple[dict, list[str]]:
    """{(student, assignment): path} from SUBMISSIONS/<student>/*.ipynb, and warnings."""
    found, notes = {}, []
    for student_dir in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if (student_dir / OUTPUT_MARKER).exists():
            notes.append(f"{student_dir}: an earlier output folder, not a student; skipped")
            continue
        files = sorted(p for p in student_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        for f in files:
            assignment = lesson_of(f.name, names)
            if assignment is None:
                notes.append(f"{f}: no lesson notebook of that name; skipped")
                continue
            key = (student_dir.name, assignment)
            if key in found and found[key].stem == assignment:
                notes.append(f"{f}: {student_dir.name} also handed in {found[key].name}; graded that one")
                continue
            if key in found and f.stem != assignment and found[key].stat().st_mtime >= f.stat().st_mtime:
                notes.append(f"{f}: {student_dir.name} also handed in the newer {found[key].name}; graded that one")
                continue
            if key in found:
                notes.append(f"{found[key]}: replaced by {f.name}")
            found[key] = f
    return found, notes


def read_submission(path: Path):
    """The notebook in `path`, or None when it is not a readable Jupyter notebook."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 (not JSON, not a notebook, not UTF-8, unreadable: all the same here)
        return None
    return nb if isinstance(nb.get("cells"), list) else None


def _same(a: str, b: str) -> bool:
    """Equal sources, hidden tests aside (the student edition has none; an instructor's copy has them)."""
    return strip_region(a, HIDDEN_BEGIN, HIDDEN_END).strip() == strip_region(b, HIDDEN_BEGIN, HIDDEN_END).strip()


def repair(nb, release) -> tuple[object, list[str], int]:
    """Put back into a submission what grading needs from the student edition `release`.

    Returns (notebook, notes, lost): test cells deleted or edited are restored from the student edition
    (nbgrader then adds the hidden tests); a graded cell whose metadata was stripped gets it back when its
    cell id (or, for a test cell, its source) matches; `lost` counts the solution and answer cells whose
    metadata could not be restored (their tests still run; written answers must be found by hand)."""
    nb = copy.deepcopy(nb)
    notes, lost, recovered = [], 0, 0
    cells = nb.cells
    for r_index, rcell in enumerate(release.cells):
        meta = nbgrader_meta(rcell)
        if not meta:
            continue
        gid = meta["grade_id"]
        mine = next((c for c in cells if nbgrader_meta(c).get("grade_id") == gid), None)
        if mine is not None:
            if is_autograded_test(rcell) and not _same(mine.source, rcell.source):
                mine.source = rcell.source
                notes.append(f"test cell {gid} was edited: restored")
            continue
        twin = next((c for c in cells if not nbgrader_meta(c) and
                     ((c.get("id") and c.get("id") == rcell.get("id")) or
                      (is_autograded_test(rcell) and _same(c.source, rcell.source)))), None)
        if twin is not None:
            twin.metadata["nbgrader"] = copy.deepcopy(meta)
            recovered += 1
            if is_autograded_test(rcell):
                twin.source, twin.cell_type = rcell.source, rcell.cell_type
            continue
        if is_autograded_test(rcell):
            restored = nbformat.v4.new_code_cell(rcell.source, metadata=copy.deepcopy(rcell.metadata))
            cells.insert(_anchor(cells, release, r_index), restored)
            notes.append(f"test cell {gid} was missing: restored")
            continue
        lost += 1
    if recovered:
        notes.append(f"cell metadata restored for {recovered} cells")
    return nb, notes, lost


def _anchor(cells, release, r_index) -> int:
    """Where to insert release cell r_index into `cells`: after the cell that precedes it in the release."""
    for before in reversed(release.cells[:r_index]):
        gid = nbgrader_meta(before).get("grade_id")
        for i, c in enumerate(cells):
            same_id = before.get("id") and c.get("id") == before.get("id")
            if (gid and nbgrader_meta(c).get("grade_id") == gid) or same_id:
                return i + 1
    return len(cells)
