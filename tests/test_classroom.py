"""The classroom edition: nbgrader exercises, the student edition, grading and solutions.

Fast tests run a tiny fixture notebook through the whole pipeline (the grader's own cases are in
test_classroom_grade.py). The `series` tests check the lesson notebooks under `make classroom-test`
(D2LMINI_CLASSROOM=all; D2LMINI_CLASSROOM_ONLY=01,03 restricts them):

- every lesson: nbgrader metadata, the exercise rules of issue 14 (tags, reasoning share, "ok" last, the
  introduction), the student edition (no solution or hidden test leaks) and the solutions pages;
- the series: no autograded skill graded more than twice;
- the shortest lesson goes through `make grade` two ways: the untouched student edition scores 0 on every
  autograded test (and logs no warning), the solutions with one answer broken lose exactly that answer's
  points; the feedback shows no hidden test.

Every lesson's test cells are checked against wrong and untouched answers by the runner in
test_exercise_answers.py (`make classroom-answers`), which executes each lesson once; grading each lesson
through nbgrader as well would execute it twice more (over 7 minutes for the series on two cores).
"""
import ast
import csv
import html
import os
import re
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "classroom"))
import cells  # noqa: E402
import course  # noqa: E402
import submissions  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "classroom" / "00_fixture.ipynb"
NOTEBOOKS = cells.lesson_notebooks()
if os.environ.get("D2LMINI_CLASSROOM_ONLY"):  # e.g. "01,03": check only these notebooks
    NOTEBOOKS = [nb for nb in NOTEBOOKS if nb.name[:2] in os.environ["D2LMINI_CLASSROOM_ONLY"].split(",")]
series = pytest.mark.skipif(os.environ.get("D2LMINI_CLASSROOM") != "all",
                            reason="slow (executes every notebook twice): run by make classroom-test")
# nbgrader's gradebook trips SQLAlchemy's autoflush warnings: harmless noise
pytestmark = pytest.mark.filterwarnings("ignore:.*not in session")
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------

def read(path):
    return nbformat.read(path, as_version=4)


def gid(cell):
    return cells.nbgrader_meta(cell).get("grade_id")


def metadata_problems(path):
    """What is wrong with a notebook's nbgrader cells (an empty list when nothing is)."""
    nb, problems = read(path), []
    nb_cells = nb.cells
    tests = [c for c in nb_cells if cells.is_autograded_test(c)]
    if len(tests) < 3:
        problems.append(f"{len(tests)} autograded test cells, want at least 3")
    ids = [gid(c) for c in nb_cells if cells.nbgrader_meta(c)]
    if len(ids) != len(set(ids)) or None in ids:
        problems.append(f"grade_ids missing or repeated: {ids}")
    for i, cell in enumerate(nb_cells):
        m = cells.nbgrader_meta(cell)
        if any(k in cell.source for k in MARKERS[:2]) and not m.get("solution"):
            problems.append(f"cell {i}: solution markers outside a solution cell")
        if any(k in cell.source for k in MARKERS[2:]) and not cells.is_autograded_test(cell):
            problems.append(f"cell {i}: hidden-test markers outside an autograded test cell")
        if m and m.get("schema_version") != 3:
            problems.append(f"cell {i} ({gid(cell)}): schema_version must be 3")
        if m.get("grade") and not (isinstance(m.get("points"), (int, float)) and m["points"] > 0):
            problems.append(f"cell {i} ({gid(cell)}): a graded cell needs points > 0")
        if cells.is_autograded_test(cell):
            if cell.cell_type != "code" or not m.get("locked"):
                problems.append(f"cell {i} ({gid(cell)}): an autograded test is a locked code cell")
            if not 1 <= m.get("points", 0) <= 3:
                problems.append(f"cell {i} ({gid(cell)}): a test cell is worth 1-3 points")
            errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
            if errors:
                problems.append(f"cell {i} ({gid(cell)}): fails with the solutions: {errors[0].evalue}")
        if cell.cell_type == "code" and m.get("solution") and not m.get("grade"):
            if "BEGIN SOLUTION" not in cell.source:
                problems.append(f"cell {i} ({gid(cell)}): a solution cell without ### BEGIN SOLUTION")
            if i + 1 >= len(nb_cells) or not cells.is_autograded_test(nb_cells[i + 1]):
                problems.append(f"cell {i} ({gid(cell)}): a solution cell must be followed by its test cell")
    return problems


KINDS = ("reasoning", "implement", "written")


def exercise_tags(nb):
    """[(grade_id, metadata.d2lmini or None, autograded?)] for every solution cell (code answers and written ones)."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cells.is_solution(cell):
            auto = cell.cell_type == "code" and i + 1 < len(nb.cells) and cells.is_autograded_test(nb.cells[i + 1])
            found.append((gid(cell), cell.get("metadata", {}).get("d2lmini"), auto))
    return found


def exercise_problems(path):
    """What breaks the series' exercise rules in one lesson (issue 14): tags, reasoning share, 'ok' last, the intro."""
    nb, problems = read(path), []
    tags = exercise_tags(nb)
    for grade_id, tag, _ in tags:
        if not (isinstance(tag, dict) and isinstance(tag.get("skill"), str) and tag["skill"]
                and tag.get("kind") in KINDS):
            problems.append(f"{grade_id}: metadata.d2lmini must be {{'skill': ..., 'kind': one of {KINDS}}}, "
                            f"got {tag!r}")
    auto = [tag for _, tag, is_auto in tags if is_auto and isinstance(tag, dict)]
    reasoning = sum(tag.get("kind") == "reasoning" for tag in auto)
    if auto and 3 * reasoning < len(auto):
        problems.append(f"{reasoning} of {len(auto)} autograded questions are kind 'reasoning'; want at least a third")
    for cell in nb.cells:
        if cells.is_autograded_test(cell):
            lines = [line for line in cell.source.strip().split("\n") if line.strip()]
            if not lines or not re.match(r"""print\(.*\bok\b""", lines[-1].strip()):
                problems.append(f"{gid(cell)}: the test cell's last line must print 'ok...', not {lines[-1:]!r}")
    start = next((i for i, c in enumerate(nb.cells)
                  if c.cell_type == "markdown" and re.search(r"^## Exercises", c.source, re.M)), len(nb.cells))
    intro = ""  # the heading's cell and the Markdown right after it, up to the first exercise
    for cell in nb.cells[start:]:
        if cell.cell_type != "markdown":
            break
        intro += "\n" + cell.source.split("**Exercise")[0]
        if "**Exercise" in cell.source:
            break
    if not re.search(r"more cases", intro, re.I):
        problems.append("the Exercises introduction must say that grading runs more cases than the visible test")
    return problems


def skills_graded_too_often(paths, limit=2):
    """{skill: [grade_ids]} for autograded skills graded more than `limit` times across the lessons."""
    seen = defaultdict(list)
    for path in paths:
        for grade_id, tag, auto in exercise_tags(read(path)):
            if auto and isinstance(tag, dict) and tag.get("skill"):
                seen[tag["skill"]].append(grade_id)
    return {skill: ids for skill, ids in seen.items() if len(ids) > limit}


def region_lines(source, begin, end):
    """The non-trivial lines (longer than 12 characters, not comments) between two marker lines."""
    lines = (line.strip() for line in cells.region(source, begin, end))
    return [line for line in lines if len(line) > 12 and not line.startswith("#")]


def solution_lines(cell):
    """The non-trivial lines between the solution markers of a cell."""
    return region_lines(cell.source, "BEGIN SOLUTION", "END SOLUTION")


def hidden_lines(cell, nb=None):
    """The non-trivial lines of a cell's hidden tests (those not also visible elsewhere in `nb`)."""
    visible = "\n".join(cells.strip_region(c.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
                        for c in nb.cells) if nb is not None else ""
    return [line for line in region_lines(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            if line not in visible]


def student_edition_problems(source_path, student_path):
    """Solutions, model answers or hidden tests that leaked into the student edition."""
    src, stu, problems = read(source_path), read(student_path), []
    by_id = {gid(c): c for c in stu.cells if gid(c)}
    everything = "\n".join(c.source for c in stu.cells)
    for marker in MARKERS:
        if marker in everything:
            problems.append(f"{marker!r} appears in the student edition")
    for cell in src.cells:
        m = cells.nbgrader_meta(cell)
        if not m:
            continue
        mine = by_id.get(m["grade_id"])
        if mine is None:
            problems.append(f"{m['grade_id']} is missing from the student edition")
            continue
        if m.get("solution"):
            if cell.cell_type == "code":
                leaked = [line for line in solution_lines(cell) if line in mine.source]
                if leaked or "raise NotImplementedError()" not in mine.source:
                    problems.append(f"{m['grade_id']}: not stubbed (leaked: {leaked[:2]})")
            else:
                if mine.source.strip() != "YOUR ANSWER HERE":
                    problems.append(f"{m['grade_id']}: the model answer was not replaced")
                if cell.source.strip()[:60] in everything:
                    problems.append(f"{m['grade_id']}: the model answer appears in the student edition")
            body = textwrap.dedent("\n".join(solution_lines(cell)))
            if body and any(body in c.source for c in stu.cells):
                problems.append(f"{m['grade_id']}: the whole solution appears in some cell")
        for line in hidden_lines(cell, src):
            if line in mine.source:
                problems.append(f"{m['grade_id']}: hidden test line {line!r} in the student edition")
    for i, cell in enumerate(stu.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count):
            problems.append(f"student cell {i} still has outputs")
    return problems


def visible_text(path):
    page = Path(path).read_text(encoding="utf-8")
    return page, html.unescape(re.sub(r"<[^>]+>", "", page))


def feedback_problems(source_path, feedback_html):
    page, text = visible_text(feedback_html)
    problems = [f"{m!r} in feedback" for m in MARKERS[2:] if m in page or m in text]
    nb = read(source_path)
    for cell in nb.cells:
        for line in hidden_lines(cell, nb):
            if line in text:
                problems.append(f"hidden test line {line!r} in {feedback_html}")
    return problems


def break_one_answer(nb):
    """Replace the last solution cell's answer by a wrong one that runs; return that test's grade_id, points."""
    i = max(i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and cells.is_solution(c) and not cells.nbgrader_meta(c).get("grade"))
    cell, test = nb.cells[i], nb.cells[i + 1]
    lines, out, region = cell.source.split("\n"), [], None
    for line in lines:
        if "BEGIN SOLUTION" in line:
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif "END SOLUTION" in line:
            out += wrong_code(region, indent, out)
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    cell.source = "\n".join(out)
    compile(cell.source, "<broken>", "exec")
    return gid(test), cells.nbgrader_meta(test)["points"]


def wrong_code(region, indent, before):
    """A wrong but runnable answer: `return None` inside a function, else every name bound to None."""
    if indent and any(line.lstrip().startswith("def ") for line in before):
        candidate = before + [indent + "return None"]
        try:
            compile("\n".join(candidate), "<candidate>", "exec")
            return [indent + "return None"]
        except SyntaxError:
            pass
    names = set()
    for node in ast.walk(ast.parse(textwrap.dedent("\n".join(region)))):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
    return [indent + f"{n} = None" for n in sorted(names)] or [indent + "pass"]


def make(*args, timeout=900):
    """Run a make target as a teacher would; return its wall time."""
    t0 = time.perf_counter()
    done = subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"make {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return time.perf_counter() - t0


def course_py(*args, timeout=300):
    """Run classroom/course.py in this process (the Makefile runs the same code in a fresh one)."""
    code = course.main([str(a) for a in args])
    assert code == 0, f"course.py {args} failed"


def read_scores(folder):
    """{(student, notebook): {grade_id: row}} from scores.csv."""
    scores = defaultdict(dict)
    with open(Path(folder) / "scores.csv", newline="") as f:
        for row in csv.DictReader(f):
            scores[row["student"], row["notebook"]][row["grade_id"]] = row
    return scores


def autograded(nb):
    return {gid(c): float(cells.nbgrader_meta(c)["points"]) for c in nb.cells if cells.is_autograded_test(c)}


def grading_problems(scores, student, path, broken=None):
    """Compare one graded submission with what it should score: full marks except `broken` (a grade_id)
    and 0 on everything for student 'untouched'."""
    got, problems = scores.get((student, path.stem)), []
    if got is None:
        return [f"{student}/{path.stem}: not graded"]
    for grade_id, points in autograded(read(path)).items():
        row = got.get(grade_id)
        if row is None:
            problems.append(f"{student}/{grade_id}: no score")
            continue
        want = 0.0 if student == "untouched" or grade_id == broken else points
        if row["score"] == "" or float(row["score"]) != want or float(row["max_score"]) != points:
            problems.append(f"{student}/{grade_id}: scored {row['score']}/{row['max_score']}, want {want:g}/{points:g}")
    return problems


# ------------------------------------------------------------------------------------------------
# fast: the pipeline on a fixture notebook
# ------------------------------------------------------------------------------------------------

def test_fixture_metadata_is_valid():
    assert metadata_problems(FIXTURE) == []


def test_break_one_answer_makes_runnable_wrong_code():
    nb = read(FIXTURE)
    assert break_one_answer(nb) == ("nb00-ex3-test", 3)
    assert "return None" in nb.cells[10].source and "np.log" not in nb.cells[10].source
    top = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\nfor k in range(3):\n    y = k\n### END SOLUTION")
    top.metadata.nbgrader = {"grade": False, "solution": True}
    after = nbformat.v4.new_code_cell("assert x == 1")
    after.metadata.nbgrader = {"grade": True, "solution": False, "points": 1, "grade_id": "t"}
    nb2 = nbformat.v4.new_notebook(cells=[top, after])
    break_one_answer(nb2)
    assert nb2.cells[0].source == "k = None\nx = None\ny = None"


def test_collect_submissions_matches_renamed_copies(tmp_path):
    for name in ["alice/03_softmax_scratch.ipynb", "bob/03_softmax_scratch-Copy1.ipynb", "bob/notes.ipynb",
                 "carol/.ipynb_checkpoints/03_softmax_scratch-checkpoint.ipynb", ".hidden/03_softmax_scratch.ipynb"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found, notes = submissions.collect_submissions(tmp_path, ["03_softmax_scratch", "04_softmax_concise"])
    assert sorted(found) == [("alice", "03_softmax_scratch"), ("bob", "03_softmax_scratch")]
    assert any("notes.ipynb" in n for n in notes)


def tagged_fixture(kinds=("reasoning", "implement", "implement")):
    """The fixture notebook with d2lmini tags on its solution cells and an introduction that mentions more cases."""
    nb = read(FIXTURE)
    solutions = [c for c in nb.cells if cells.is_solution(c)]
    for k, (cell, kind) in enumerate(zip(solutions, list(kinds) + ["written"])):
        cell.metadata["d2lmini"] = {"skill": f"fixture-skill-{k}", "kind": kind}
    intro = "## Exercises\n\nGrading runs more cases than the visible tests; 'ok' means those pass.\n\n1. "
    nb.cells[3].source = intro + nb.cells[3].source.split("1. ", 1)[1]
    return nb


def test_exercise_rules_can_fail(tmp_path):
    problems = exercise_problems(FIXTURE)  # the fixture carries no tags and no "more cases" introduction
    assert sum("metadata.d2lmini must be" in p for p in problems) == 4 and any("more cases" in p for p in problems)
    nbformat.write(tagged_fixture(), tmp_path / "00_fixture.ipynb")
    assert exercise_problems(tmp_path / "00_fixture.ipynb") == []
    nb = tagged_fixture(kinds=("implement", "implement", "implement"))
    nb.cells[8].source += "\nx = 1"
    nbformat.write(nb, tmp_path / "00_fixture.ipynb")
    assert exercise_problems(tmp_path / "00_fixture.ipynb") == [
        "0 of 3 autograded questions are kind 'reasoning'; want at least a third",
        "nb00-ex2-test: the test cell's last line must print 'ok...', not ['x = 1']"]
    for name in ("01_a.ipynb", "02_b.ipynb"):
        nbformat.write(tagged_fixture(), tmp_path / name)
    assert skills_graded_too_often([tmp_path / "01_a.ipynb", tmp_path / "02_b.ipynb"]) == {}
    assert list(skills_graded_too_often([tmp_path / "01_a.ipynb", tmp_path / "02_b.ipynb"], limit=1)) == [
        "fixture-skill-0", "fixture-skill-1", "fixture-skill-2"]


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    """Student edition, solutions and a graded class of three on the fixture notebook."""
    tmp = tmp_path_factory.mktemp("classroom")
    course_py("student", "--notebooks", FIXTURE, "--out", tmp / "student")
    course_py("solutions", "--notebooks", FIXTURE, "--out", tmp / "solutions")
    subs = tmp / "submissions"
    for student in ("full", "untouched", "one_wrong"):
        (subs / student).mkdir(parents=True)
    nbformat.write(read(FIXTURE), subs / "full" / FIXTURE.name)
    nbformat.write(read(tmp / "student" / FIXTURE.name), subs / "untouched" / FIXTURE.name)
    nb = read(FIXTURE)
    broken = break_one_answer(nb)
    nbformat.write(nb, subs / "one_wrong" / "00_fixture-Copy1.ipynb")
    course_py("grade", subs, "--notebooks", FIXTURE, "--out", tmp / "grades", "--jobs", "1")
    return tmp, broken


def test_fixture_student_edition_has_no_solutions(fixture_run):
    tmp, _ = fixture_run
    assert sorted(p.name for p in (tmp / "student").iterdir()) == [".d2lmini-output", FIXTURE.name]
    assert student_edition_problems(FIXTURE, tmp / "student" / FIXTURE.name) == []


def test_fixture_grading_round_trip(fixture_run):
    tmp, (broken, points) = fixture_run
    scores = read_scores(tmp / "grades")
    problems = []
    for student in ("full", "untouched", "one_wrong"):
        problems += grading_problems(scores, student, FIXTURE, broken if student == "one_wrong" else None)
    assert problems == []
    manual = {s: scores[s, "00_fixture"]["nb00-ex4-answer"] for s in ("full", "untouched")}
    assert manual["full"]["needs_manual_grade"] == "1" and manual["full"]["score"] == ""
    assert manual["untouched"]["needs_manual_grade"] == "0" and manual["untouched"]["score"] == "0"
    with open(tmp / "grades" / "scores_wide.csv", newline="") as f:
        wide = {row["student"]: row for row in csv.DictReader(f)}
    assert wide["(max)"]["total"] == "7" and wide["full"]["total"] == "6" and wide["untouched"]["total"] == "0"
    assert float(wide["one_wrong"]["total"]) == 6 - points and wide["full"]["to_grade_by_hand"] == "1"


def test_fixture_kernel_is_this_python(fixture_run):
    """nbgrader runs the kernelspec "python3": it must start the Python that runs the grading."""
    tmp, _ = fixture_run
    graded = read(tmp / "grades" / "autograded" / "full" / FIXTURE.name)
    assert graded.cells[1].outputs[0].text.strip() == sys.executable


def test_fixture_feedback_hides_hidden_tests(fixture_run):
    tmp, _ = fixture_run
    pages = sorted((tmp / "grades" / "feedback").glob("*/*.html"))
    assert [p.parent.name for p in pages] == ["full", "one_wrong", "untouched"]
    for page in pages:
        assert feedback_problems(FIXTURE, page) == []
    # the failure message of a hidden check still reaches the student, without its code
    _, text = visible_text(tmp / "grades" / "feedback" / "untouched" / "00_fixture.html")
    assert "NotImplementedError" in text


def test_fixture_solutions_are_readable(fixture_run):
    tmp, _ = fixture_run
    assert (tmp / "solutions" / "index.html").exists()
    _, text = visible_text(tmp / "solutions" / "00_fixture.html")
    nb = read(FIXTURE)
    for cell in nb.cells:
        for line in solution_lines(cell):
            assert line in text
        for line in hidden_lines(cell, nb):
            assert line not in text
    assert "Model answer." in text and "BEGIN SOLUTION" not in text


# ------------------------------------------------------------------------------------------------
# slow: every lesson notebook (make classroom-test)
# ------------------------------------------------------------------------------------------------

@series
def test_series_every_notebook_has_graded_exercises():
    problems = {nb.name: metadata_problems(nb) for nb in NOTEBOOKS}
    assert {k: v for k, v in problems.items() if v} == {}
    ids = [gid(c) for nb in NOTEBOOKS for c in read(nb).cells if gid(c)]
    assert len(ids) == len(set(ids)), "grade_ids must be unique across the series"


@series
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_series_exercise_rules(path):
    assert exercise_problems(path) == []


@series
def test_series_no_skill_is_graded_more_than_twice():
    assert skills_graded_too_often(NOTEBOOKS) == {}


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "student"
    seconds = make("student", f"STUDENT={out}")
    print(f"\nmake student: {seconds:.1f} s")
    return out, seconds


@series
def test_series_student_edition(student_edition):
    out, seconds = student_edition
    assert {nb.name for nb in NOTEBOOKS} <= {p.name for p in out.iterdir()}
    problems = {nb.name: student_edition_problems(nb, out / nb.name) for nb in NOTEBOOKS}
    assert {k: v for k, v in problems.items() if v} == {}
    assert seconds < 15 * len(NOTEBOOKS), f"make student took {seconds:.0f} s"


@pytest.fixture(scope="module")
def series_grades(student_edition, tmp_path_factory):
    """The shortest lesson graded by make grade: untouched, and the solutions with one answer broken."""
    student, _ = student_edition
    tmp = tmp_path_factory.mktemp("grading")
    subs = tmp / "submissions"
    for name in ("untouched", "one_wrong", "untouched_zh", "one_wrong_zh"):
        (subs / name).mkdir(parents=True)
    timed = [nb for nb in NOTEBOOKS if sum(map(cells.cell_seconds, read(nb).cells)) > 0] or NOTEBOOKS
    shortest = min(timed, key=cells.estimated_seconds)
    nbformat.write(read(student / shortest.name), subs / "untouched" / shortest.name)
    nb = read(shortest)
    broken = break_one_answer(nb)
    nbformat.write(nb, subs / "one_wrong" / shortest.name)
    # the Chinese edition of the same lesson: its own student edition, the same wrong answer
    chinese = ROOT / "notebooks" / "zh" / shortest.name
    course_py("student", "--notebooks", chinese, "--out", tmp / "student-zh")
    assert student_edition_problems(chinese, tmp / "student-zh" / shortest.name) == []
    nbformat.write(read(tmp / "student-zh" / shortest.name), subs / "untouched_zh" / shortest.name)
    nb_zh = read(chinese)
    assert break_one_answer(nb_zh) == broken
    nbformat.write(nb_zh, subs / "one_wrong_zh" / shortest.name)
    seconds = make("grade", f"SUBMISSIONS={subs}", f"GRADES={tmp / 'grades'}", timeout=1200)
    print(f"\nmake grade (2 notebooks of {shortest.stem}): {seconds:.1f} s")
    return tmp / "grades", broken, shortest


@series
def test_series_untouched_student_edition_fails_every_test(series_grades):
    grades, _, shortest = series_grades
    assert grading_problems(read_scores(grades), "untouched", shortest) == []


@series
def test_series_solutions_pass_and_a_wrong_answer_loses_exactly_its_points(series_grades):
    grades, (broken, points), shortest = series_grades
    scores = read_scores(grades)
    assert grading_problems(scores, "one_wrong", shortest, broken) == []
    with open(grades / "scores_wide.csv", newline="") as f:
        wide = {row["student"]: row for row in csv.DictReader(f)}
    full = sum(autograded(read(shortest)).values())
    assert float(wide["one_wrong"][shortest.stem]) == full - points
    assert float(wide["untouched"][shortest.stem]) == 0
    assert {wide[s][f"{shortest.stem} status"] for s in ("untouched", "one_wrong")} == {"graded"}
    log = (grades / "log.txt").read_text()
    assert "WARNING" not in log.split("==== untouched/")[1].split("\n====")[0], "warnings for the student edition"


@series
def test_series_a_chinese_submission_scores_as_the_english_one(series_grades):
    grades, _, shortest = series_grades
    scores = read_scores(grades)
    for english in ("untouched", "one_wrong"):
        same = {g: (row["score"], row["max_score"]) for g, row in scores[english, shortest.stem].items()}
        chinese = {g: (row["score"], row["max_score"]) for g, row in scores[f"{english}_zh", shortest.stem].items()}
        assert chinese == same and same


@series
def test_series_feedback_shows_no_hidden_tests(series_grades):
    grades, _, shortest = series_grades
    pages = sorted((grades / "feedback").glob("*/*.html"))
    assert len(pages) == 4
    assert [p for page in pages for p in feedback_problems(shortest, page)] == []


@series
def test_series_solutions(tmp_path):
    make("solutions", f"SOLUTIONS={tmp_path / 'solutions'}")
    def plain(text):  # markdown markup and list bullets are rendered, not shown
        return re.sub(r"[`*_$\\]", "", re.sub(r"^\s*(?:[-+*]|\d+\.)\s+", "", text))
    for nb in NOTEBOOKS:
        _, text = visible_text(tmp_path / "solutions" / f"{nb.stem}.html")
        missing = [line for c in read(nb).cells for line in solution_lines(c) if plain(line) not in plain(text)]
        source = read(nb)
        leaked = [line for c in source.cells for line in hidden_lines(c, source) if line in text]
        assert (missing, leaked) == ([], []), nb.name
