"""The grader (classroom/grade.py, submissions.py, nbgrader_env.py) on the fixture notebook.

One class is graded once (module fixture), two at a time beside two other running kernels: an honest
student, the untouched student edition under a "Copy of" name, a deleted test cell, stripped metadata,
a file that is not a notebook, an infinite loop and an edited test cell. The output-folder cases (issue 17)
are refused before any grading starts, so they cost nothing.
"""
import csv
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "classroom"))
import cells  # noqa: E402
import course  # noqa: E402
import grade  # noqa: E402
import nbgrader_env  # noqa: E402
import submissions  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "classroom" / "00_fixture.ipynb"
pytestmark = pytest.mark.filterwarnings("ignore:.*not in session")


def read(path):
    return nbformat.read(path, as_version=4)


def cli(*args):
    """Run course.py in a fresh Python; return (exit status, stdout, stderr)."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, str(ROOT / "classroom" / "course.py"), *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=600)
    return done.returncode, done.stdout, done.stderr


def release_of(nb):
    """The student edition of a notebook, as nbgrader makes it (enough for repair: hidden tests removed)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        cell.source = cells.strip_region(cell.source, cells.HIDDEN_BEGIN, cells.HIDDEN_END)
    return nb


# ------------------------------------------------------------------------------------------------
# recognising and repairing submissions
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["03_softmax_scratch.ipynb", "Copy of 03_softmax_scratch.ipynb",
                                  "03_softmax_scratch (1).ipynb", "03_softmax_scratch-Copy1.ipynb",
                                  "Copy of Copy of 03_softmax_scratch (2).ipynb", "03_softmax_scratch copy.ipynb",
                                  "03_anything.ipynb"])
def test_copies_are_recognised(name):
    assert submissions.lesson_of(name, ["03_softmax_scratch", "04_softmax_concise"]) == "03_softmax_scratch"


def test_other_names_are_not_lessons():
    assert submissions.lesson_of("notes.ipynb", ["03_softmax_scratch"]) is None
    assert submissions.lesson_of("Copy of notes (1).ipynb", ["03_softmax_scratch"]) is None


def test_an_earlier_output_inside_submissions_is_no_student(tmp_path):
    for name in ["alice/03_softmax_scratch.ipynb", "grades/autograded/alice/03_softmax_scratch.ipynb"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "grades" / submissions.OUTPUT_MARKER).write_text("{}")
    found, notes = submissions.collect_submissions(tmp_path, ["03_softmax_scratch"])
    assert list(found) == [("alice", "03_softmax_scratch")] and any("not a student" in n for n in notes)


def test_not_a_notebook(tmp_path):
    for text in ['{"cells": [', "plain text", '{"metadata": {}}', ""]:
        (tmp_path / "x.ipynb").write_text(text)
        assert submissions.read_submission(tmp_path / "x.ipynb") is None, text
    (tmp_path / "y.ipynb").write_bytes(b"\xff\xfe\x00")
    assert submissions.read_submission(tmp_path / "y.ipynb") is None


def test_repair_restores_deleted_and_edited_test_cells():
    nb = read(FIXTURE)
    release = release_of(nb)
    honest, notes, lost = submissions.repair(release, release)
    assert (notes, lost) == ([], 0)
    mine = nbformat.from_dict(release)
    del mine.cells[8]  # the test of exercise 2
    mine.cells[5].source = "print('ok')"  # the test of exercise 1, emptied
    fixed, notes, lost = submissions.repair(mine, release)
    assert lost == 0 and sorted(notes) == ["test cell nb00-ex1-test was edited: restored",
                                           "test cell nb00-ex2-test was missing: restored"]
    ids = [cells.nbgrader_meta(c).get("grade_id") for c in fixed.cells]
    assert ids.index("nb00-ex2-test") == ids.index("nb00-ex2-solution") + 1
    assert fixed.cells[5].source == release.cells[5].source
    nbformat.validate(fixed)


def test_repair_restores_stripped_metadata_by_cell_id_and_counts_what_is_lost():
    release = release_of(read(FIXTURE))
    stripped = nbformat.from_dict(release)
    for cell in stripped.cells:
        cell.metadata.pop("nbgrader", None)
    fixed, notes, lost = submissions.repair(stripped, release)
    assert lost == 0 and notes == ["cell metadata restored for 7 cells"]
    for cell in stripped.cells:  # ids lost too: tests are found by their source, answers are lost
        cell.id = "x" + cell.id[1:]
    fixed, notes, lost = submissions.repair(stripped, release)
    assert lost == 4  # three solution cells and the written answer
    assert [cells.nbgrader_meta(c).get("grade_id") for c in fixed.cells if cells.is_autograded_test(c)] == [
        "nb00-ex1-test", "nb00-ex2-test", "nb00-ex3-test"]


def test_exercise_titles():
    titles = cells.exercise_titles(read(FIXTURE))
    assert titles["nb00-ex1-test"].startswith("Exercise 1 (Write a softmax")
    assert titles["nb00-ex4-answer"].startswith("Exercise 4 (Why subtract")
    assert cells.exercise_titles(read(ROOT / "notebooks" / "03_softmax_scratch.ipynb")).get(
        "nb03-ex1-test", "").startswith("Exercise 1 (")


def test_feedback_names_exercises_and_wraps_lines():
    page = ('<html><head></head><body><li><a href="#nb03-ex1-test">Test cell</a></li>'
            '<span class="nbgrader-label">Grade cell: <code>nb03-ex1-test</code></span></body></html>')
    out = grade.polish_feedback(page, {"nb03-ex1-test": "Exercise 1 (the sum <instead> of the mean)"})
    assert ">Exercise 1 (the sum &lt;instead&gt; of the mean)</a>" in out and "Test cell" not in out
    assert "Exercise 1 (the sum &lt;instead&gt; of the mean): <code>nb03-ex1-test</code>" in out
    assert "white-space: pre-wrap" in out.split("</head>")[0]


def test_cell_timeout_is_a_few_times_the_slowest_cell():
    assert cells.cell_timeout(FIXTURE) == 60  # the fixture's cells take milliseconds: the floor
    slowest = max(cells.cell_seconds(c) for c in read(ROOT / "notebooks" / "03_softmax_scratch.ipynb").cells)
    assert cells.cell_timeout(ROOT / "notebooks" / "03_softmax_scratch.ipynb") == int(min(300, max(60, 4 * slowest)))


def test_kernels_talk_over_ipc(tmp_path):
    nbgrader_env.make_course(tmp_path, [FIXTURE])
    cfg = nbgrader_env.load_config(tmp_path, timeout=7)
    assert cfg.KernelManager.transport == "ipc" and cfg.Execute.timeout == 7
    assert cfg.KernelManager.ip.startswith("/") and len(cfg.KernelManager.ip) < 60  # Unix sockets: short paths


def test_scores_of_missing_and_broken_submissions(tmp_path):
    statuses = {("ann", "00_fixture"): "missing", ("bo", "00_fixture"): "not a notebook",
                ("cy", "00_fixture"): "graded"}
    mine = {q["grade_id"]: {"score": q["points"], "max_score": q["points"], "needs_manual_grade": q["kind"] == "manual"}
            for q in cells.questions(read(FIXTURE))}
    grades = {"00_fixture": {"cy": mine}}
    grade.write_csvs(tmp_path, ["00_fixture"], {"00_fixture": FIXTURE}, ["ann", "bo", "cy"], grades, statuses)
    with open(tmp_path / "scores_wide.csv", newline="") as f:
        wide = {row["student"]: row for row in csv.DictReader(f)}
    assert [wide[s]["00_fixture status"] for s in ("ann", "bo", "cy")] == ["missing", "not a notebook", "graded"]
    assert (wide["ann"]["00_fixture"], wide["bo"]["00_fixture"], wide["cy"]["00_fixture"]) == ("", "0", "6")
    with open(tmp_path / "scores.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["status"] for r in rows if r["student"] == "ann"} == {"missing"}
    assert {r["score"] for r in rows if r["student"] == "ann"} == {""}
    lines = grade.summary_lines(["00_fixture"], {"00_fixture": FIXTURE}, ["ann", "bo", "cy"], grades, statuses)
    assert lines[0] == "00_fixture: 1 graded, 1 missing, 1 not a notebook"
    assert lines[1].startswith("  nb00-ex1-test Exercise 1 (") and "full marks 1 of 2" in lines[1]


# ------------------------------------------------------------------------------------------------
# the output folder (issue 17): refused before any grading, and nothing of the user's is touched
# ------------------------------------------------------------------------------------------------

@pytest.fixture
def subs(tmp_path):
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    nbformat.write(read(FIXTURE), tmp_path / "subs" / "alice" / FIXTURE.name)
    return tmp_path / "subs"


def refused(out, subs, capsys, what):
    code = course.main(["grade", str(subs), "--out", str(out), "--notebooks", str(FIXTURE)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and what in err, err
    return err


def test_a_teachers_folder_is_refused_and_kept(subs, tmp_path, capsys):
    (tmp_path / "mydocs").mkdir()
    (tmp_path / "mydocs" / "precious.txt").write_text("draft")
    refused(tmp_path / "mydocs", subs, capsys, "precious.txt")
    assert (tmp_path / "mydocs" / "precious.txt").read_text() == "draft"


def test_the_submissions_folder_is_refused(subs, capsys):
    refused(subs, subs, capsys, "input")
    refused(subs / "grades", subs, capsys, "input")
    refused(subs.parent, subs, capsys, "input")
    assert (subs / "alice" / FIXTURE.name).exists() and not (subs / "grades").exists()


def test_a_file_is_refused_and_kept(subs, tmp_path, capsys):
    (tmp_path / "afile").write_text("keep")
    refused(tmp_path / "afile", subs, capsys, "not a folder")
    assert (tmp_path / "afile").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "subs"]


def test_an_unwritable_out_gives_one_line(subs, tmp_path, capsys, monkeypatch):
    import d2lmini.outdir

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(d2lmini.outdir.tempfile, "mkdtemp", read_only)
    refused(tmp_path / "grades", subs, capsys, "Read-only file system")


def test_bad_options_give_one_line(subs, tmp_path, capsys):
    for args, what in [(["--jobs", "0"], "--jobs 0"), (["--timeout", "-1"], "--timeout -1")]:
        code = course.main(["grade", str(subs), "--out", str(tmp_path / "g"), "--notebooks", str(FIXTURE), *args])
        err = capsys.readouterr().err.strip()
        assert code == 2 and err.count("\n") == 0 and what in err
    code = course.main(["grade", str(tmp_path / "nope"), "--out", str(tmp_path / "g"), "--notebooks", str(FIXTURE)])
    assert code == 2 and "no such folder" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------
# a class graded beside other kernels
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """Seven submissions graded two at a time while two other kernels run (TCP, as JupyterLab starts them)."""
    from jupyter_client.manager import KernelManager
    tmp = tmp_path_factory.mktemp("class")
    subs = tmp / "subs"
    nb = read(FIXTURE)
    assert course.main(["student", "--notebooks", str(FIXTURE), "--out", str(tmp / "student")]) == 0
    student = read(tmp / "student" / FIXTURE.name)

    def hand_in(who, name, notebook):
        (subs / who).mkdir(parents=True)
        nbformat.write(notebook, subs / who / name)
    hand_in("alice", FIXTURE.name, nb)
    hand_in("bob", f"Copy of {FIXTURE.name}", student)
    deleted = nbformat.from_dict(nb)
    del deleted.cells[8]
    hand_in("carol", "00_fixture (1).ipynb", deleted)
    stripped = nbformat.from_dict(nb)
    for cell in stripped.cells:
        cell.metadata.pop("nbgrader", None)
        cell.id = "x" + cell.id[1:]
    hand_in("dave", FIXTURE.name, stripped)
    (subs / "erin").mkdir()
    (subs / "erin" / FIXTURE.name).write_text('{"cells": [')
    looping = nbformat.from_dict(nb)
    looping.cells[7].source = "### BEGIN SOLUTION\nwhile True:\n    pass\n### END SOLUTION"
    hand_in("frank", FIXTURE.name, looping)
    edited = nbformat.from_dict(nb)
    edited.cells[7].source = "uniform_loss = 0.0"
    edited.cells[8].source = "print('ok')"
    hand_in("gina", FIXTURE.name, edited)
    others = [KernelManager(kernel_name="python3") for _ in range(2)]
    for km in others:
        km.start_kernel()
    try:
        t0 = time.perf_counter()
        code, out, err = cli("grade", subs, "--out", tmp / "grades", "--notebooks", FIXTURE, "--jobs", 2,
                             "--timeout", 5)
        seconds = time.perf_counter() - t0
    finally:
        for km in others:
            km.shutdown_kernel(now=True)
    print(f"\ngraded 6 fixture notebooks in {seconds:.0f} s")
    with open(tmp / "grades" / "scores_wide.csv", newline="") as f:
        wide = {row["student"]: row for row in csv.DictReader(f)}
    return tmp / "grades", code, out, err, wide


def test_every_submission_has_its_status(graded_class):
    _, code, out, err, wide = graded_class
    status = {s: wide[s]["00_fixture status"] for s in wide if s != "(max)"}
    assert status["alice"] == "graded" and status["bob"] == "graded"
    assert status["carol"] == "graded; test cell nb00-ex2-test was missing: restored"
    assert status["dave"].startswith("metadata lost: 4 cells")
    assert status["erin"] == "not a notebook"
    assert status["frank"].startswith("timed out in cell 8")
    assert status["gina"] == "graded; test cell nb00-ex2-test was edited: restored"
    assert code == 1 and "erin/00_fixture: not a notebook" in (Path(graded_class[0]) / "log.txt").read_text()


def test_restored_tests_grade_the_answer(graded_class):
    *_, wide = graded_class
    scores = {s: (wide[s]["nb00-ex1-test"], wide[s]["nb00-ex2-test"], wide[s]["nb00-ex3-test"]) for s in wide}
    assert scores["alice"] == scores["carol"] == scores["dave"] == ("2", "1", "3")
    assert scores["bob"] == scores["erin"] == ("0", "0", "0")
    assert scores["frank"] == scores["gina"] == ("2", "0", "3")


def test_progress_summary_and_a_quiet_log(graded_class):
    grades, _, out, err, _ = graded_class
    assert "[1/6]" in out and "[6/6]" in out
    assert "00_fixture: 4 graded, 1 metadata lost, 1 not a notebook, 1 timed out in cell 8" in out
    assert "nb00-ex2-test Exercise 2" in out
    assert "Traceback" not in err and "WARNING" not in out + err
    log = (grades / "log.txt").read_text()
    honest = log.split("==== alice/00_fixture")[1].split("====")[0]
    assert "WARNING" not in honest and "[ERROR]" not in honest, honest
    assert "Invalid Signature" not in log


def test_feedback_names_exercises(graded_class):
    grades, *_ = graded_class
    page = (grades / "feedback" / "alice" / "00_fixture.html").read_text()
    assert "Exercise 3 (Write `cross_entropy(P, y)`)" in page and ">Test cell<" not in page
    assert "pre-wrap" in page


def test_ctrl_c_gives_one_line_and_keeps_earlier_grades(graded_class, tmp_path):
    grades, *_ = graded_class
    earlier = (grades / "scores.csv").read_text()
    proc = subprocess.Popen([sys.executable, str(ROOT / "classroom" / "course.py"), "grade",
                             str(grades.parent / "subs"), "--out", str(grades), "--notebooks", str(FIXTURE),
                             "--timeout", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=dict(os.environ, OMP_NUM_THREADS="1"),
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    line = proc.stdout.readline()
    assert line.startswith("grading"), line
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (out, err)
    assert err.strip().splitlines() == [f"interrupted: nothing written; {grades} left as it was"], err
    assert (grades / "scores.csv").read_text() == earlier
    assert sorted(p.name for p in grades.parent.iterdir() if p.name.startswith(".")) == []
