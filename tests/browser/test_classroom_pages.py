"""The classroom's HTML pages in headless Chromium: nbgrader's feedback page (the fixture notebook graded) and
the solutions pages of the fixture and lesson 07 pass axe-core's WCAG 2.1 A/AA checks (opened from disk)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "classroom" / "00_fixture.ipynb"
LESSON = sorted((ROOT / "notebooks").glob("07_*.ipynb"))

pytestmark = pytest.mark.usefixtures("chromium_path")


def course(*args):
    done = subprocess.run([sys.executable, str(ROOT / "classroom" / "course.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=600, env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def classroom_pages(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("classroom-pages")
    (tmp / "subs" / "alice").mkdir(parents=True)
    (tmp / "subs" / "alice" / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    course("grade", tmp / "subs", "--out", tmp / "grades", "--notebooks", FIXTURE, "--jobs", 1)
    course("solutions", "--notebooks", FIXTURE, *LESSON, "--out", tmp / "solutions")
    return [tmp / "grades" / "feedback" / "alice" / f"{FIXTURE.stem}.html",
            *sorted((tmp / "solutions").glob("*.html"))]


def test_feedback_and_solutions_pages_pass_axe(classroom_pages, page, axe):
    found = {}
    for path in classroom_pages:
        page.goto(path.as_uri(), wait_until="load")
        violations = axe(page)
        if violations:
            found[path.name] = violations
    assert len(classroom_pages) >= 3
    assert not found, "WCAG 2.1 A/AA violations:\n" + "\n".join(
        f"{name}:\n  {axe.format(v)}" for name, v in found.items())
