"""Figure descriptions in the classroom editions (issue 18): kept in the student edition, the alt text of
every figure in nbgrader's feedback page and in the solutions page, and no "Alternative text is missing";
the pages' lang is the notebook's language.

One fixture notebook with two described figures (one before the exercises, one among them) is graded once.
"""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "classroom"))
import course  # noqa: E402
import nbgrader_env  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "classroom" / "00_fixture.ipynb"
pytestmark = pytest.mark.filterwarnings("ignore:.*not in session")

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
SHOW = f"import base64\nfrom IPython.display import Image, display\ndisplay(Image(data=base64.b64decode('{PNG}')))"
BEFORE = "A line plot of the loss per epoch: it falls fast, then levels off near the bottom."
AMONG = 'Bars of the "uniform" model\'s probabilities over 10 classes: all the same height, 1/10 & no peak.'
NO_DESCRIPTION = "No description has been provided for this image"


def figure_cell(alt):
    cell = nbformat.v4.new_code_cell(SHOW)
    cell.metadata["d2lmini"] = {"alt": alt}
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Image>"})]
    return cell


def alts(page):
    return [img.get("alt") for img in BeautifulSoup(page, "html.parser").find_all("img")]


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """(source, student edition, feedback page, grading log, solutions page) for the notebook with figures."""
    tmp = tmp_path_factory.mktemp("figures")
    nb = nbformat.read(FIXTURE, as_version=4)
    exercises = next(i for i, c in enumerate(nb.cells) if c.source.startswith("## Exercises"))
    nb.cells.insert(exercises, figure_cell(BEFORE))
    nb.cells.append(figure_cell(AMONG))
    src = tmp / "src" / FIXTURE.name
    src.parent.mkdir()
    nbformat.write(nb, src)
    assert course.main(["student", "--notebooks", str(src), "--out", str(tmp / "student")]) == 0
    assert course.main(["solutions", "--notebooks", str(src), "--out", str(tmp / "solutions")]) == 0
    (tmp / "subs" / "alice").mkdir(parents=True)
    nbformat.write(nb, tmp / "subs" / "alice" / FIXTURE.name)
    done = subprocess.run([sys.executable, str(ROOT / "classroom" / "course.py"), "grade", str(tmp / "subs"),
                           "--out", str(tmp / "grades"), "--notebooks", str(src), "--jobs", "1"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return (nb, nbformat.read(tmp / "student" / FIXTURE.name, as_version=4),
            (tmp / "grades" / "feedback" / "alice" / f"{FIXTURE.stem}.html").read_text(encoding="utf-8"),
            (tmp / "grades" / "log.txt").read_text() + done.stdout + done.stderr,
            (tmp / "solutions" / f"{FIXTURE.stem}.html").read_text(encoding="utf-8"))


def test_the_student_edition_keeps_the_descriptions(editions):
    _, student, *_ = editions
    described = [c.metadata["d2lmini"]["alt"] for c in student.cells if "alt" in c.metadata.get("d2lmini", {})]
    assert described == [BEFORE, AMONG]


def test_feedback_gives_each_figure_its_description(editions):
    _, _, feedback, log, _ = editions
    assert alts(feedback) == [BEFORE, AMONG]
    assert NO_DESCRIPTION not in feedback and BeautifulSoup(feedback, "html.parser").html.get("lang") == "en"
    assert "Alternative text is missing" not in log and "WARNING" not in log, log


def test_solutions_give_each_figure_its_description(editions):
    *_, solutions = editions
    assert alts(solutions) == [AMONG]  # the solutions page holds the title and the exercises only
    assert NO_DESCRIPTION not in solutions


def test_without_a_description_nbconvert_still_warns(caplog):
    # the control: the warning is no longer filtered, so an undescribed figure is seen in the log
    from nbconvert import HTMLExporter
    nb = nbformat.v4.new_notebook(cells=[figure_cell(BEFORE), figure_cell(AMONG)])
    del nb.cells[1].metadata["d2lmini"]
    exporter = HTMLExporter()
    exporter.register_preprocessor(nbgrader_env.DescribeFigures(), enabled=True)
    page, _ = exporter.from_notebook_node(nb)
    assert alts(page) == [BEFORE, NO_DESCRIPTION]
    logger, buffer = nbgrader_env.task_logger("control")
    logger.warning("Alternative text is missing on %s image(s).", 1)
    assert "Alternative text is missing on 1 image(s)." in buffer.getvalue()


@pytest.mark.parametrize(("language", "lang"), [(None, "en"), ("zh_CN", "zh")])
def test_a_page_says_its_language(language, lang):
    from nbconvert import HTMLExporter
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 01. Title")])
    if language:
        nb.metadata["d2lmini"] = {"language": language}
    exporter = HTMLExporter()
    exporter.register_preprocessor(nbgrader_env.PageLanguage(), enabled=True)
    page, _ = exporter.from_notebook_node(nb)
    assert BeautifulSoup(page, "html.parser").html.get("lang") == lang


def test_a_chinese_feedback_page_says_so():
    import grade
    page = grade.polish_feedback("<!DOCTYPE html>\n<html>\n<head></head><body></body></html>", {}, "zh")
    assert BeautifulSoup(page, "html.parser").html.get("lang") == "zh"
