"""The d2lmini classroom edition: student notebooks, grading and solutions, all through nbgrader.

    python classroom/course.py student   [--out build/student]
    python classroom/course.py grade SUBMISSIONS [--out build/grades] [--jobs 2]
    python classroom/course.py solutions [--out build/solutions]
    python classroom/course.py course DIR        # an nbgrader course folder for JupyterHub/formgrader
    python classroom/course.py questions [--details]   # the graded questions and points per notebook

Each lesson notebook is one nbgrader assignment named after the file (03_softmax_scratch): a
teacher hands out and collects one lesson at a time, and the gradebook keeps a score per lesson.
`grade` autogrades each (lesson, student) notebook as one task, `--jobs` tasks at a time, each
worker in its own copy of the course folder. `student`, `grade` and `solutions` work in a temporary
nbgrader course folder and write their results atomically (a temporary folder, then a rename).

SUBMISSIONS holds one folder per student with the notebooks as handed back:
SUBMISSIONS/<student>/<notebook>.ipynb (e.g. alice/03_softmax_scratch.ipynb). A file whose name
differs but starts with the lesson number (03_softmax_scratch-Copy1.ipynb) is matched too.

Run it with the project's Python (.venv/bin/python): nbgrader executes every notebook in the
kernel named "python3", which jupyter_client starts with the Python that runs this script.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor

# nbgrader's gradebook code trips SQLAlchemy's autoflush warnings; they are harmless noise here.
warnings.filterwarnings("ignore", message=".*not in session.*")

# nbgrader runs the `alembic` command of its own environment: put this Python's bin folder first.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIG_TEMPLATE = HERE / "nbgrader_config.py"
COURSE_ID = "d2lmini"
HIDDEN_BEGIN, HIDDEN_END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
SOLUTION_BEGIN, SOLUTION_END = "BEGIN SOLUTION", "END SOLUTION"
FEEDBACK_CONFIG = """
# Added by classroom/course.py: feedback without the hidden tests (nbgrader's default shows them).
import sys  # noqa: E402
sys.path.insert(0, {here!r})
from course import HideHiddenTests  # noqa: E402
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
"""


def lesson_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_autograded_test(cell) -> bool:
    m = nbgrader_meta(cell)
    return bool(m.get("grade")) and not m.get("solution")


def is_solution(cell) -> bool:
    m = nbgrader_meta(cell)
    return bool(m.get("solution"))


def is_manual_answer(cell) -> bool:
    m = nbgrader_meta(cell)
    return bool(m.get("grade")) and bool(m.get("solution"))


def strip_region(source: str, begin: str, end: str) -> str:
    """`source` without the lines from the one holding `begin` to the one holding `end`."""
    out, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def questions(nb) -> list[dict]:
    """The graded cells of a notebook in order: grade_id, kind ('auto' or 'manual'), points."""
    found = []
    for cell in nb.cells:
        m = nbgrader_meta(cell)
        if m.get("grade"):
            found.append({"grade_id": m["grade_id"], "kind": "manual" if m.get("solution") else "auto",
                          "points": float(m.get("points", 0))})
    return found


def estimated_seconds(path: Path) -> float:
    """Execution time recorded in the executed notebook (nbclient's timing metadata), else its size."""
    nb = nbformat.read(path, as_version=4)
    total = 0.0
    for cell in nb.cells:
        ex = cell.get("metadata", {}).get("execution", {})
        try:
            t0 = datetime.fromisoformat(ex["iopub.execute_input"].replace("Z", "+00:00"))
            t1 = datetime.fromisoformat(ex["shell.execute_reply"].replace("Z", "+00:00"))
            total += (t1 - t0).total_seconds()
        except (KeyError, ValueError):
            pass
    return total or path.stat().st_size / 1e4


def replace_atomically(tmp: Path, out: Path) -> None:
    """Move the finished folder `tmp` to `out`, replacing what was there."""
    out.parent.mkdir(parents=True, exist_ok=True)
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def scratch_folder(out: Path) -> Path:
    """An empty folder next to `out` (same file system, so the final rename is atomic)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))


def task_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    buffer = io.StringIO()
    logger = logging.getLogger(f"classroom.{name}.{os.getpid()}")
    logger.handlers[:] = [logging.StreamHandler(buffer)]
    logger.handlers[0].setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, buffer


# ---------------------------------------------------------------------------------------------
# the nbgrader course folder
# ---------------------------------------------------------------------------------------------

def make_course(root: Path, notebooks: list[Path]) -> list[str]:
    """An nbgrader course folder at `root`: the config and source/<stem>/<stem>.ipynb per notebook."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG_TEMPLATE.read_text() + FEEDBACK_CONFIG.format(here=str(HERE)))
    names = []
    for nb in notebooks:
        (root / "source" / nb.stem).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(nb, root / "source" / nb.stem / nb.name)
        names.append(nb.stem)
    return names


def load_config(root: Path):
    from traitlets.config.loader import PyFileConfigLoader
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    cfg.CourseDirectory.root = str(root)
    cfg.Exchange.root = str(root / "exchange")  # never used; keeps nbgrader away from /srv
    return cfg


def coursedir(root: Path, cfg):
    from nbgrader.coursedir import CourseDirectory
    return CourseDirectory(config=cfg)


def run_converter(cls, root: Path, assignment: str, student: str | None = None, **attrs) -> str:
    """Run one nbgrader converter (GenerateAssignment, Autograde, GenerateFeedback); return its log.

    Raises RuntimeError with the log when nbgrader reports a failure."""
    from nbgrader.converters.base import NbGraderException
    cfg = load_config(root)
    cd = coursedir(root, cfg)
    cd.assignment_id = assignment
    if student is not None:
        cd.student_id = student
    logger, buffer = task_logger(f"{cls.__name__}.{assignment}")
    app = cls(coursedir=cd, config=cfg, log=logger)
    for key, value in attrs.items():
        setattr(app, key, value)
    try:
        app.start()
    except NbGraderException as err:
        raise RuntimeError(f"nbgrader {cls.__name__} failed for {assignment}:\n{buffer.getvalue()}") from err
    return buffer.getvalue()


def generate_assignments(root: Path, names: list[str]) -> str:
    from nbgrader.converters import GenerateAssignment
    return "".join(run_converter(GenerateAssignment, root, a, force=True, create_assignment=True)
                   for a in names)


# ---------------------------------------------------------------------------------------------
# student edition
# ---------------------------------------------------------------------------------------------

def build_student(notebooks: list[Path], out: Path) -> Path:
    """The student edition of each notebook in `out`: stubs for solutions, no hidden tests, no outputs."""
    with tempfile.TemporaryDirectory(prefix="d2lmini-course-") as tmp:
        root = Path(tmp)
        names = make_course(root, notebooks)
        generate_assignments(root, names)
        staging = scratch_folder(out)
        for a in names:
            shutil.copyfile(root / "release" / a / f"{a}.ipynb", staging / f"{a}.ipynb")
    replace_atomically(staging, out)
    return out


def course_folder(notebooks: list[Path], dest: Path) -> Path:
    """A persistent nbgrader course folder (config + source/) to use with nbgrader directly."""
    if (dest / "gradebook.db").exists():
        sys.exit(f"{dest} already holds a gradebook; refusing to overwrite it")
    make_course(dest, notebooks)
    return dest


# ---------------------------------------------------------------------------------------------
# solutions
# ---------------------------------------------------------------------------------------------

def solutions_notebook(path: Path):
    """The title cell and the exercises with their solutions: markers and hidden tests removed."""
    nb = nbformat.read(path, as_version=4)
    start = next((i for i, c in enumerate(nb.cells)
                  if c.cell_type == "markdown" and re.search(r"^## Exercises", c.source, re.M)), None)
    if start is None:
        raise SystemExit(f"{path}: no '## Exercises' heading")
    cells = [nb.cells[0]] + nb.cells[start:]
    out = []
    for cell in cells:
        cell = nbformat.from_dict(json.loads(json.dumps(cell)))
        if cell.cell_type == "code":
            source = strip_region(cell.source, HIDDEN_BEGIN, HIDDEN_END)
            cell.source = "\n".join(l for l in source.split("\n")
                                    if SOLUTION_BEGIN not in l and SOLUTION_END not in l)
        elif is_manual_answer(cell):
            cell.source = "**Model answer.** " + cell.source
        out.append(cell)
    nb.cells = out
    nb.metadata.pop("widgets", None)
    return nb


def build_solutions(notebooks: list[Path], out: Path) -> Path:
    """Per lesson, the exercises and their solutions as a notebook and an HTML page, plus index.html."""
    from nbconvert import HTMLExporter
    exporter = HTMLExporter()
    staging = scratch_folder(out)
    links = []
    for path in notebooks:
        nb = solutions_notebook(path)
        nbformat.write(nb, staging / path.name)
        html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f"{path.stem}: solutions"}})
        (staging / f"{path.stem}.html").write_text(html, encoding="utf-8")
        title = nb.cells[0].source.split("\n")[0].lstrip("# ").strip()
        n = sum(map(is_autograded_test, nb.cells))
        links.append(f'<li><a href="{path.stem}.html">{title}</a> ({n} autograded questions, '
                     f'<a href="{path.name}">notebook</a>)</li>')
    (staging / "index.html").write_text(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>d2lmini: solutions</title></head>\n"
        "<body><h1>d2lmini: exercises with solutions</h1>\n<ul>\n" + "\n".join(links) +
        "\n</ul></body></html>\n", encoding="utf-8")
    replace_atomically(staging, out)
    return out


# ---------------------------------------------------------------------------------------------
# grading
# ---------------------------------------------------------------------------------------------

class HideHiddenTests(Preprocessor):
    """Feedback for students: hidden test code removed, a failure reduced to its message.

    nbgrader's own feedback shows the test cells as autograde ran them, hidden tests included; the
    course folders made here list this preprocessor in c.GenerateFeedback.preprocessors."""

    enabled = True  # nbconvert registers preprocessor classes disabled unless they say otherwise

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and HIDDEN_BEGIN in cell.source:
            cell.source = strip_region(cell.source, HIDDEN_BEGIN, HIDDEN_END)
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


def collect_submissions(submissions: Path, names: list[str]) -> tuple[dict, list[str]]:
    """{(student, assignment): path} from SUBMISSIONS/<student>/*.ipynb, and warnings."""
    found, notes = {}, []
    for student_dir in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        files = sorted(p for p in student_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        for f in files:
            exact = f.stem if f.stem in names else None
            by_number = [a for a in names if f.stem[:3] == a[:3]] if re.match(r"\d\d_", f.stem) else []
            assignment = exact or (by_number[0] if len(by_number) == 1 else None)
            if assignment is None:
                notes.append(f"{f}: no lesson notebook of that name; skipped")
                continue
            key = (student_dir.name, assignment)
            if key in found and found[key].stem == assignment:
                notes.append(f"{f}: {student_dir.name} also handed in {found[key].name}; graded that one")
                continue
            if key in found:
                notes.append(f"{found[key]}: replaced by {f.name}")
            found[key] = f
    return found, notes


_WORKER_ROOT: Path | None = None


def _init_worker(base: str) -> None:
    """Each worker process grades in its own copy of the course folder (its own gradebook)."""
    global _WORKER_ROOT
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _WORKER_ROOT = Path(tempfile.mkdtemp(prefix="worker-", dir=Path(base).parent))
    shutil.copytree(base, _WORKER_ROOT, dirs_exist_ok=True)


def _grade_one(task: tuple[str, str], root: str | None = None) -> tuple[str, str, str, str, float, str]:
    """Autograde one student's notebook for one lesson, then write the student's feedback."""
    from nbgrader.converters import Autograde, GenerateFeedback
    assignment, student = task
    course = Path(root) if root else _WORKER_ROOT
    t0 = time.perf_counter()
    log, error = "", ""
    try:
        log += run_converter(Autograde, course, assignment, student, force=True, create_student=True)
        log += run_converter(GenerateFeedback, course, assignment, student, force=True)
    except RuntimeError as err:
        error, log = str(err), log + str(err)
    return str(course), assignment, student, log, time.perf_counter() - t0, error


def read_grades(course: Path, assignment: str, student: str) -> dict[str, dict] | None:
    """{grade_id: grade dict} of one graded submission in a course folder's gradebook, or None."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {g.name: dict(g.to_dict(), score=g.score) for notebook in submission.notebooks
                for g in notebook.grades}


def grade(submissions: Path, out: Path, notebooks: list[Path], jobs: int = 2) -> tuple[Path, bool]:
    """Autograde SUBMISSIONS/<student>/<notebook>.ipynb; write scores CSVs and feedback into `out`.

    Returns (out, ok); ok is False when nbgrader could not grade some notebook (see log.txt)."""
    t_start = time.perf_counter()
    if not submissions.is_dir():
        sys.exit(f"{submissions}: no such folder (expected SUBMISSIONS/<student>/<notebook>.ipynb)")
    sources = {nb.stem: nb for nb in notebooks}
    found, notes = collect_submissions(submissions, list(sources))
    for w in notes:
        print("warning:", w, file=sys.stderr)
    if not found:
        sys.exit(f"{submissions}: no submitted lesson notebooks found "
                 "(expected SUBMISSIONS/<student>/<notebook>.ipynb)")
    wanted = sorted({a for _, a in found})
    students = sorted({s for s, _ in found})

    staging = scratch_folder(out)
    work = Path(tempfile.mkdtemp(prefix="d2lmini-grade-"))
    try:
        ok = _grade_into(staging, work, found, notes, wanted, students, sources, jobs)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    replace_atomically(staging, out)
    print(f"wrote {out}/scores.csv, scores_wide.csv and feedback/ in {time.perf_counter() - t_start:.0f} s"
          + ("" if ok else "; SOME NOTEBOOKS COULD NOT BE GRADED, see log.txt"), flush=True)
    return out, ok


def _grade_into(staging: Path, work: Path, found: dict, notes: list, wanted: list, students: list,
                sources: dict, jobs: int) -> bool:
    base = work / "course"
    make_course(base, [sources[a] for a in wanted])
    log = [generate_assignments(base, wanted)]
    for (student, assignment), path in found.items():
        dest = base / "submitted" / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / f"{assignment}.ipynb")

    # the longest notebooks first, so that two workers finish at about the same time
    tasks = sorted(found, key=lambda key: -estimated_seconds(sources[key[1]]))
    tasks = [(assignment, student) for student, assignment in tasks]
    jobs = max(1, min(jobs, len(tasks)))
    print(f"grading {len(found)} notebooks from {len(students)} students "
          f"({len(wanted)} lessons, {jobs} at a time)", flush=True)
    results = []
    if jobs == 1:
        for task in tasks:
            results.append(_grade_one(task, str(base)))
            print(f"  {task[1]}/{task[0]}: {results[-1][4]:.0f} s", flush=True)
    else:
        with ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_init_worker,
                                 initargs=(str(base),)) as pool:
            for r in pool.map(_grade_one, tasks):
                results.append(r)
                print(f"  {r[2]}/{r[1]}: {r[4]:.0f} s", flush=True)

    ok = True
    grades = defaultdict(dict)
    for course, assignment, student, text, seconds, error in results:
        course = Path(course)
        log.append(f"==== {student}/{assignment} ({seconds:.0f} s) ====\n{text}")
        mine = read_grades(course, assignment, student)
        if error or mine is None:
            ok = False
            notes.append(f"{student}/{assignment}: nbgrader could not grade it (see above in this log)")
        if mine is not None:
            grades[assignment][student] = mine
        fb = course / "feedback" / student / assignment / f"{assignment}.html"
        if fb.exists():
            (staging / "feedback" / student).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fb, staging / "feedback" / student / fb.name)
        nb = course / "autograded" / student / assignment / f"{assignment}.ipynb"
        if nb.exists():
            (staging / "autograded" / student).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(nb, staging / "autograded" / student / nb.name)
    write_csvs(staging, [a for a in sources if a in wanted], sources, students, grades)
    (staging / "log.txt").write_text("\n".join(log + ["==== warnings ===="] + notes) + "\n")
    return ok


def _fmt(x) -> str:
    return "" if x is None else f"{x:g}"


def write_csvs(out: Path, assignments: list[str], sources: dict, students: list[str], grades: dict) -> None:
    """scores.csv: one row per student and question; scores_wide.csv: one row per student."""
    qs = {a: questions(nbformat.read(sources[a], as_version=4)) for a in assignments}
    with open(out / "scores.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "notebook", "grade_id", "kind", "score", "max_score", "needs_manual_grade"])
        for student in students:
            for a in assignments:
                if student not in grades[a]:
                    continue
                for q in qs[a]:
                    g = grades[a][student].get(q["grade_id"])
                    if g is None:
                        continue
                    score = None if g["needs_manual_grade"] else g["score"]
                    w.writerow([student, a, q["grade_id"], q["kind"], _fmt(score), _fmt(g["max_score"]),
                                int(bool(g["needs_manual_grade"]))])
    columns = [q for a in assignments for q in qs[a]]
    with open(out / "scores_wide.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "total", "to_grade_by_hand"] + assignments + [q["grade_id"] for q in columns])
        w.writerow(["(max)", _fmt(sum(q["points"] for q in columns)), ""]
                   + [_fmt(sum(q["points"] for q in qs[a])) for a in assignments]
                   + [_fmt(q["points"]) for q in columns])
        for student in students:
            per_nb, per_q, by_hand = [], [], 0
            for a in assignments:
                mine = grades[a].get(student)
                if mine is None:
                    per_nb.append(None)
                    per_q += [None] * len(qs[a])
                    continue
                total = 0.0
                for q in qs[a]:
                    g = mine.get(q["grade_id"])
                    if g is None or g["needs_manual_grade"]:
                        by_hand += g is not None
                        per_q.append(None)
                    else:
                        total += g["score"]
                        per_q.append(g["score"])
                per_nb.append(total)
            w.writerow([student, _fmt(sum(x for x in per_nb if x is not None)), by_hand]
                       + [_fmt(x) for x in per_nb] + [_fmt(x) for x in per_q])


def question_table(notebooks: list[Path], details: bool = False) -> str:
    """A Markdown table: per notebook, the autograded questions and written answers with their points."""
    rows = ["| notebook | autograded questions (points) | written answers (points) | total points |",
            "|---|---|---|---|"]
    lines = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        qs = questions(nb)
        auto = [q for q in qs if q["kind"] == "auto"]
        manual = [q for q in qs if q["kind"] == "manual"]
        pts = lambda items: f"{sum(q['points'] for q in items):g}"  # noqa: E731
        rows.append(f"| `{path.stem}` | {len(auto)} ({pts(auto)}) | {len(manual)} ({pts(manual)}) | {pts(qs)} |")
        if details:
            lines.append(f"\n{path.stem}")
            prompt = ""
            for cell in nb.cells:
                m = nbgrader_meta(cell)
                if not m and cell.cell_type == "markdown":
                    prompt = " ".join(cell.source.split())
                if m.get("grade"):
                    kind = "written" if m.get("solution") else "autograded"
                    lines.append(f"  {m['grade_id']:18} {kind:10} {m['points']:g} pt  {prompt[-110:]}")
    return "\n".join(rows + lines)


# ---------------------------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, default in [("student", "build/student"), ("solutions", "build/solutions"),
                          ("grade", "build/grades"), ("course", None), ("questions", None)]:
        p = sub.add_parser(name)
        if name == "grade":
            p.add_argument("submissions", type=Path, help="folder: <student>/<notebook>.ipynb")
            p.add_argument("--jobs", type=int, default=2, help="lessons graded at the same time")
        if name == "course":
            p.add_argument("dest", type=Path, help="the course folder to create")
        elif name == "questions":
            p.add_argument("--details", action="store_true", help="list every question with its prompt")
        else:
            p.add_argument("--out", type=Path, default=ROOT / default)
        p.add_argument("--notebooks", type=Path, nargs="+", default=None,
                       help="lesson notebooks (default: notebooks/[0-9][0-9]_*.ipynb)")
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in (args.notebooks or lesson_notebooks())]
    t0 = time.perf_counter()
    if args.command == "student":
        out = build_student(notebooks, args.out.resolve())
        print(f"wrote {len(notebooks)} student notebooks to {out} in {time.perf_counter() - t0:.0f} s")
    elif args.command == "solutions":
        out = build_solutions(notebooks, args.out.resolve())
        print(f"wrote the solutions of {len(notebooks)} notebooks to {out} in {time.perf_counter() - t0:.0f} s")
    elif args.command == "questions":
        print(question_table(notebooks, args.details))
    elif args.command == "course":
        out = course_folder(notebooks, args.dest.resolve())
        print(f"made the nbgrader course folder {out}: cd there and run e.g. "
              f"`nbgrader generate_assignment {notebooks[0].stem}`")
    else:
        _, ok = grade(args.submissions.resolve(), args.out.resolve(), notebooks, args.jobs)
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
