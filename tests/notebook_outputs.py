"""Read the committed outputs of a lesson, for the claim tests that keep its prose true (tests/test_claims_NN.py)."""
import json
import re
from functools import cache
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


@cache
def lesson(number):
    """The committed notebook whose file name starts with the two-digit number, as JSON."""
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    return json.loads(path.read_text(encoding="utf-8"))


def cell(number, cell_id):
    """The cell with this id (nbformat cell ids survive edits and moves)."""
    cells = [c for c in lesson(number)["cells"] if c.get("id") == cell_id]
    assert cells, f"lesson {number} has no cell with id {cell_id}: was it deleted? update the claim test"
    return cells[0]


def text(number, cell_id):
    """Everything a code cell printed or displayed as text."""
    parts = []
    for output in cell(number, cell_id).get("outputs", []):
        parts.append("".join(output.get("text", "")))
        parts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def prose(number, cell_id):
    """The source of a markdown cell."""
    return "".join(cell(number, cell_id)["source"])


def numbers(string):
    """Every number in a string, as floats, in order."""
    return [float(n) for n in NUMBER.findall(string)]


def value(number, cell_id, label):
    """The first number printed after the label in a cell's text output (e.g. value('06', 'ab12', 'ECE'))."""
    output = text(number, cell_id)
    at = output.find(label)
    assert at >= 0, f"lesson {number} cell {cell_id} no longer prints {label!r}"
    return numbers(output[at + len(label):])[0]


def summary_table(number, cell_id):
    """Rows of a printed summarize() table: {setting: (mean, std, gap or None, verdict or None)} in percent."""
    rows = {}
    for line in text(number, cell_id).splitlines():
        m = re.match(r"^(.*?)\s+(-?\d+\.\d+) ± (\d+\.\d+)(?:\s+([-+]\d+\.\d+)\s+(.*))?$", line)
        if m and not line.startswith("setting"):
            name, mean, std, gap, verdict = m.groups()
            rows.setdefault(name.strip(), (float(mean), float(std), gap and float(gap), verdict and verdict.strip()))
    return rows


def quoted(number, prose_id, output_ids, *strings):
    """Each string appears in the prose cell and in one of the output cells."""
    for s in strings:
        assert s in prose(number, prose_id), f"prose {prose_id} no longer quotes {s!r}"
        assert any(s in text(number, o) for o in output_ids), f"{s!r} is no longer printed by {output_ids}"
