"""Every figure in every lesson has a text alternative a student who cannot see it can use.

A code cell that shows a figure carries its description in `metadata.d2lmini.alt` (one figure per cell); a cell
whose figure only a live widget draws (nothing committed) carries it in `metadata.d2lmini.widget_alt`. The
site, JupyterLab (the d2lmini lab extension) and the classroom's feedback pages read them from there; the
Chinese notebooks carry the translated descriptions. A number in a description must be one the cell itself
prints or sets, so that a description stays true when the data change."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ZH_LESSONS = sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
CJK = re.compile(r"[\u4e00-\u9fff]")
FILE_NAME = re.compile(r"\.(png|jpe?g|svg|gif)\b|[0-9a-f]{16,}", re.IGNORECASE)


def _figure_cells(path):
    """(cell, number of image outputs) for every code cell of a notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            images = sum(1 for o in cell.get("outputs", []) if any(k.startswith("image/") for k in o.get("data", {})))
            yield cell, images


def _alt(cell, key="alt"):
    return cell.get("metadata", {}).get("d2lmini", {}).get(key)


def _printed_and_set(cell):
    """The cell's source and everything it printed as text: where a description's numbers may come from."""
    parts = ["".join(cell["source"])]
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", "")))
        parts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def _plain_number(text):
    return text.replace(",", "")


@pytest.mark.parametrize("path", LESSONS + ZH_LESSONS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_every_figure_has_one_meaningful_description(path):
    chinese = path.parent.name == "zh"
    problems = []
    for cell, images in _figure_cells(path):
        where = f"cell {cell.get('id')}"
        alt = _alt(cell)
        if images > 1:
            problems.append(f"{where} shows {images} figures: one figure per cell, so each has its description")
        if images and not alt:
            problems.append(f"{where} shows a figure without metadata.d2lmini.alt")
        if alt and not images:
            problems.append(f"{where} has a description but shows no figure: stale metadata.d2lmini.alt")
        if alt and _alt(cell, "widget_alt"):
            problems.append(f"{where} has both alt and widget_alt: a cell shows one figure")
        problems += [f"{where}: {problem}" for text in (alt, _alt(cell, "widget_alt")) if text
                     for problem in _text_problems(text, cell, chinese)]
    assert not problems, "\n".join(problems)


def _text_problems(alt, cell, chinese):
    """What is wrong with one description: its length, a file name, numbers the cell does not give."""
    problems = []
    if FILE_NAME.search(alt):
        problems.append(f"the description reads like a file name: {alt!r}")
    size = len(CJK.findall(alt)) if chinese else len(alt.split())
    low, high = (15, 200) if chinese else (8, 80)
    if not low <= size <= high:
        unit = "characters" if chinese else "words"
        problems.append(f"the description has {size} {unit}; write {low}-{high}: what is plotted, "
                        f"what to notice")
    if chinese and not CJK.search(alt):
        problems.append("the description is not translated")
    known = {_plain_number(n) for n in NUMBER.findall(_printed_and_set(cell))}
    for number in NUMBER.findall(alt):
        if _plain_number(number) not in known and not (number.isdigit() and int(number) <= 10):
            problems.append(f"the description quotes {number}, which the cell neither sets nor prints "
                            f"(keep numbers out of descriptions or quote what the cell prints)")
    return problems


def _descriptions(path):
    """{(cell id, key): description} for every figure description of a notebook."""
    return {(c.get("id"), key): _alt(c, key) for c, _ in _figure_cells(path) for key in ("alt", "widget_alt")
            if _alt(c, key)}


def test_chinese_descriptions_match_the_english_figures():
    for path in ZH_LESSONS:
        english, chinese = _descriptions(ROOT / "notebooks" / path.name), _descriptions(path)
        assert english.keys() == chinese.keys(), path.name
        for where, text in english.items():
            en_numbers = sorted(_plain_number(n) for n in NUMBER.findall(text))
            zh_numbers = sorted(_plain_number(n) for n in NUMBER.findall(chinese[where]))
            assert en_numbers == zh_numbers, (path.name, where, text, chinese[where])


# Colour maps a reader with a colour-vision deficiency can read: grey for pixel images, perceptually uniform
# sequential maps for matrices, colour-blind-safe diverging maps (with a colour bar) for signed values.
READABLE_MAPS = {"gray", "gray_r", "Greys", "viridis", "cividis", "magma", "inferno", "Blues", "RdBu", "RdBu_r",
                 "PuOr", "PuOr_r"}
COLOUR_MAP = re.compile(r"cmap\s*=\s*[\"']([A-Za-z_]+)[\"']")
RED = re.compile(r"[\"'](?:tab:)?(?:red|r)[\"']|[\"']#?(?:ff0000|d62728)[\"']", re.IGNORECASE)
GREEN = re.compile(r"[\"'](?:tab:)?(?:green|g)[\"']|[\"']#?(?:00ff00|2ca02c)[\"']", re.IGNORECASE)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_plots_do_not_depend_on_colour_vision(path):
    problems = []
    for cell, _ in _figure_cells(path):
        code = "".join(cell["source"])
        problems += [f"cell {cell.get('id')}: cmap {name!r} is not colour-blind safe (use one of "
                     f"{sorted(READABLE_MAPS)})" for name in COLOUR_MAP.findall(code) if name not in READABLE_MAPS]
        if RED.search(code) and GREEN.search(code):
            problems.append(f"cell {cell.get('id')}: red and green in one cell (use d2lmini.plot.COLORS, and tell "
                            "lines apart by marker or dash, bars by hatching)")
    assert not problems, "\n".join(problems)
