"""Grading a class: nbgrader's autograde per (student, lesson), a status per submission, scores and feedback.

    grade(submissions, out, notebooks, jobs)

Each (lesson, student) notebook is one task, `jobs` at a time, each worker process in its own copy of the
course folder (its own gradebook). The results go through d2lmini.outdir: a fresh folder that replaces
`out` only when everything is written, and an `out` that holds anything else, or lies in or around the
submissions, is refused before any work starts.

Every submission gets a status: `graded`, `missing`, `not a notebook`, `metadata lost: N cells`,
`timed out in cell K`, `could not be graded` (an nbgrader failure, see log.txt), followed by notes such as
`test cell nb03-ex1-test was edited: restored`.
"""
from __future__ import annotations

import csv
import html
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

import nbformat
from cells import cell_timeout, estimated_seconds, exercise_titles, questions
from nbgrader_env import COURSE_ID, INFRASTRUCTURE, generate_assignments, make_course, page_language, run_converter
from submissions import collect_submissions, read_submission, repair

from d2lmini.outdir import output_folder

MARKER = "d2lmini-grades"
GRADED, MISSING, NOT_A_NOTEBOOK, FAILED = "graded", "missing", "not a notebook", "could not be graded"
LEGACY_NAMES = {"scores.csv", "scores_wide.csv", "log.txt", "feedback", "autograded"}
WRAP_CSS = "<style>pre, .highlight pre, .output_text pre { white-space: pre-wrap; overflow-wrap: anywhere; }</style>"
# nbgrader's feedback template (Bootstrap 3) fails WCAG 2.1 AA contrast: links #337ab7 on the grey panels (4.17:1)
# and told from text by colour alone, "(Top)" links #bbb on the blue headings, comments #3d7b7b on #f5f5f5
READABLE_CSS = ("<style>a, a:visited { color: #23527c; text-decoration: underline; }"
                " div.nbgrader_cell .panel-heading a { color: inherit; }"  # the heading's own colour, not #bbb
                " .panel-primary > .panel-heading { background-color: #23527c; }"
                " .highlight .c, .highlight .c1, .highlight .cm, .highlight .ch, .highlight .cs { color: #306060; }"
                "</style>")


class GradingError(ValueError):
    """Grading cannot start (no submissions folder, nothing to grade); the message is one line."""


def _legacy(folder) -> bool:
    """An output of the grader from before it wrote a marker file."""
    names = {p.name for p in Path(folder).iterdir()}
    return "scores.csv" in names and names <= LEGACY_NAMES


# ---------------------------------------------------------------------------------------------
# one task (runs in a worker process)
# ---------------------------------------------------------------------------------------------

_WORKER_ROOT: Path | None = None


def _init_worker(base: str) -> None:
    """Each worker grades in its own copy of the course folder; Ctrl-C is the main process's business."""
    global _WORKER_ROOT
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _WORKER_ROOT = Path(tempfile.mkdtemp(prefix="worker-", dir=Path(base).parent))
    shutil.copytree(base, _WORKER_ROOT, dirs_exist_ok=True)


def timeouts(path: Path) -> list[int]:
    """The cells (numbered from 1) of a graded notebook whose execution hit the time limit."""
    if not path.exists():
        return []
    nb = nbformat.read(path, as_version=4)
    return [i + 1 for i, c in enumerate(nb.cells) if c.cell_type == "code"
            and any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError" for o in c.outputs)]


def grade_one(task: tuple[str, str, int], root: str | None = None) -> dict:
    """Autograde one student's notebook for one lesson (retried once after a kernel failure), then its feedback."""
    from nbgrader.converters import Autograde, GenerateFeedback
    assignment, student, timeout = task
    course = Path(root) if root else _WORKER_ROOT
    t0 = time.perf_counter()
    log, error = "", ""
    for attempt in (1, 2):
        try:
            log += run_converter(Autograde, course, assignment, student, timeout=timeout, force=True,
                                 create_student=True)
            log += run_converter(GenerateFeedback, course, assignment, student, force=True)
            error = ""
            break
        except RuntimeError as err:
            error, log = str(err), log + str(err)
            if attempt == 1 and any(m in error for m in INFRASTRUCTURE):
                log += "\n[INFO] the kernel failed for a reason outside the notebook: grading it again\n"
                continue
            break
    graded = course / "autograded" / student / assignment / f"{assignment}.ipynb"
    return {"course": str(course), "assignment": assignment, "student": student, "log": log,
            "seconds": time.perf_counter() - t0, "error": error, "timeouts": timeouts(graded)}


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


# ---------------------------------------------------------------------------------------------
# the class
# ---------------------------------------------------------------------------------------------

def grade(submissions: Path, out: Path, notebooks: list[Path], jobs: int = 2, timeout: int | None = None) -> bool:
    """Autograde SUBMISSIONS/<student>/<notebook>.ipynb; write scores CSVs and feedback into `out`.

    Returns False when some notebook could not be graded or was not a notebook (see log.txt)."""
    t_start = time.perf_counter()
    if not submissions.is_dir():
        raise GradingError(f"{submissions}: no such folder (expected SUBMISSIONS/<student>/<notebook>.ipynb)")
    sources = {nb.stem: nb for nb in notebooks}
    found, notes = collect_submissions(submissions, list(sources))
    for w in notes:
        print("warning:", w, file=sys.stderr)
    if not found:
        raise GradingError(f"{submissions}: no submitted lesson notebooks found "
                           "(expected SUBMISSIONS/<student>/<notebook>.ipynb)")
    with output_folder(out, marker=MARKER, inputs=(submissions,), legacy=_legacy) as staging:
        work = Path(tempfile.mkdtemp(prefix="d2lmini-grade-"))
        try:
            statuses = _grade_into(staging, work, found, notes, sources, jobs, timeout)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    ok = not any(s.startswith((NOT_A_NOTEBOOK, FAILED)) for s in statuses.values())
    print(f"wrote {out}/scores.csv, scores_wide.csv and feedback/ in {time.perf_counter() - t_start:.0f} s"
          + ("" if ok else "; SOME NOTEBOOKS COULD NOT BE GRADED, see the statuses above and log.txt"), flush=True)
    return ok


def _grade_into(staging: Path, work: Path, found: dict, notes: list, sources: dict, jobs: int,
                timeout: int | None = None) -> dict:
    """Grade every submission into `staging`; return {(student, lesson): status}."""
    wanted = [a for a in sources if a in {a for _, a in found}]
    students = sorted({s for s, _ in found})
    base = work / "course"
    make_course(base, [sources[a] for a in wanted])
    log = [generate_assignments(base, wanted)]
    releases = {a: nbformat.read(base / "release" / a / f"{a}.ipynb", as_version=4) for a in wanted}
    statuses, lost, pending = {}, {}, []
    for student in students:
        for a in wanted:
            if (student, a) not in found:
                statuses[student, a] = MISSING
                continue
            nb = read_submission(found[student, a])
            if nb is None:
                statuses[student, a] = NOT_A_NOTEBOOK
                continue
            nb, repaired, lost[student, a] = repair(nb, releases[a])
            statuses[student, a] = "; ".join(repaired)
            dest = base / "submitted" / student / a
            dest.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, dest / f"{a}.ipynb")
            pending.append((student, a))
    # the longest notebooks first, so that the workers finish at about the same time
    limits = {a: timeout or cell_timeout(sources[a]) for a in wanted}
    tasks = [(a, s, limits[a]) for s, a in sorted(pending, key=lambda k: -estimated_seconds(sources[k[1]]))]
    jobs = max(1, min(jobs, len(tasks) or 1))
    print(f"grading {len(tasks)} notebooks from {len(students)} students ({len(wanted)} lessons, {jobs} at a time; "
          f"time limit per cell {', '.join(f'{a[:2]} {limits[a]} s' for a in wanted)})", flush=True)
    grades = defaultdict(dict)
    titles = {a: exercise_titles(releases[a]) for a in wanted}
    languages = {a: page_language(releases[a]) for a in wanted}
    for k, result in enumerate(_run(tasks, base, jobs), 1):
        key = result["student"], result["assignment"]
        statuses[key] = _collect(result, staging, grades, statuses[key], lost[key], titles[key[1]], log,
                                 languages[key[1]])
        got = grades[key[1]].get(key[0], {})
        auto = [g for g in got.values() if g["cell_type"] == "code"]
        print(f"  [{k}/{len(tasks)}] {key[0]}/{key[1]}: {statuses[key]}, "
              f"{sum(g['score'] or 0 for g in auto):g}/{sum(g['max_score'] for g in auto):g} points "
              f"({result['seconds']:.0f} s)", flush=True)
    for key, status in sorted(statuses.items()):
        if status.startswith((NOT_A_NOTEBOOK, FAILED)):
            notes.append(f"{key[0]}/{key[1]}: {status}")
    write_csvs(staging, wanted, sources, students, grades, statuses)
    summary = summary_lines(wanted, sources, students, grades, statuses)
    print("\n".join(summary), flush=True)
    (staging / "log.txt").write_text("\n".join(log + ["==== summary ===="] + summary + ["==== warnings ===="] + notes)
                                     + "\n")
    return statuses


def _run(tasks: list, base: Path, jobs: int):
    """Yield each task's result as it finishes; on Ctrl-C stop the workers (their kernels follow them)."""
    if jobs == 1:
        for task in tasks:
            yield grade_one(task, str(base))
        return
    # the workers start with Ctrl-C ignored (inherited), so that one arriving while they import prints nothing
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pool = ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_init_worker,
                                   initargs=(str(base),))
        running = {pool.submit(grade_one, task) for task in tasks}
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    except BaseException:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _collect(result: dict, staging: Path, grades: dict, notes: str, lost: int, titles: dict, log: list,
             lang: str = "en") -> str:
    """Copy one result's feedback and graded notebook into `staging`; return the submission's status."""
    course, assignment, student = Path(result["course"]), result["assignment"], result["student"]
    log.append(f"==== {student}/{assignment} ({result['seconds']:.0f} s) ====\n{result['log']}")
    mine = read_grades(course, assignment, student)
    parts = []
    if result["error"] or mine is None:
        parts.append(f"{FAILED} (see log.txt)")
    if lost:
        parts.append(f"metadata lost: {lost} cells")
    if result["timeouts"]:
        parts.append("timed out in cell " + ", ".join(map(str, result["timeouts"])))
    if mine is not None:
        grades[assignment][student] = mine
    fb = course / "feedback" / student / assignment / f"{assignment}.html"
    if fb.exists():
        (staging / "feedback" / student).mkdir(parents=True, exist_ok=True)
        page = polish_feedback(fb.read_text(encoding="utf-8"), titles, lang)
        (staging / "feedback" / student / fb.name).write_text(page, encoding="utf-8")
    nb = course / "autograded" / student / assignment / f"{assignment}.ipynb"
    if nb.exists():
        (staging / "autograded" / student).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(nb, staging / "autograded" / student / nb.name)
    return "; ".join((parts or [GRADED]) + ([notes] if notes else []))


def polish_feedback(page: str, titles: dict[str, str], lang: str = "en") -> str:
    """nbgrader's feedback page with each question named by its exercise, long lines wrapped, its language set,
    its colours readable (WCAG 2.1 AA contrast)."""
    def label(match):
        title = titles.get(match.group(1))
        return f'<a href="#{match.group(1)}">{html.escape(title)}</a>' if title else match.group(0)
    page = re.sub(r'<a href="#([^"]+)">(?:Test cell|Written response|Coding free-response|Task)</a>', label, page)
    page = re.sub(r"Grade cell: <code>([^<]+)</code>",
                  lambda m: f"{html.escape(titles.get(m.group(1), 'Grade cell'))}: <code>{m.group(1)}</code>", page)
    page = re.sub(r"<html>", f'<html lang="{lang}">', page, count=1)  # nbgrader's template names no language
    return page.replace("</head>", WRAP_CSS + READABLE_CSS + "\n</head>", 1)


# ---------------------------------------------------------------------------------------------
# scores
# ---------------------------------------------------------------------------------------------

def _fmt(x) -> str:
    return "" if x is None else f"{x:g}"


def _score(g: dict | None, status: str):
    """(score, needs_manual_grade) of one question: empty when missing or waiting for the teacher."""
    if status.startswith(NOT_A_NOTEBOOK):
        return 0.0, 0
    if g is None:
        return None, int(status != MISSING and not status.startswith(FAILED))
    if g["needs_manual_grade"]:
        return None, 1
    return g["score"], 0


def write_csvs(out: Path, assignments: list[str], sources: dict, students: list[str], grades: dict,
               statuses: dict) -> None:
    """scores.csv: one row per student and question; scores_wide.csv: one row per student."""
    qs = {a: questions(nbformat.read(sources[a], as_version=4)) for a in assignments}
    with open(out / "scores.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "notebook", "grade_id", "kind", "score", "max_score", "needs_manual_grade", "status"])
        for student in students:
            for a in assignments:
                status, mine = statuses[student, a], grades[a].get(student, {})
                for q in qs[a]:
                    score, manual = _score(mine.get(q["grade_id"]), status)
                    w.writerow([student, a, q["grade_id"], q["kind"], _fmt(score), _fmt(q["points"]), manual, status])
    columns = [q for a in assignments for q in qs[a]]
    with open(out / "scores_wide.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "total", "to_grade_by_hand"] + assignments + [f"{a} status" for a in assignments]
                   + [q["grade_id"] for q in columns])
        w.writerow(["(max)", _fmt(sum(q["points"] for q in columns)), ""]
                   + [_fmt(sum(q["points"] for q in qs[a])) for a in assignments] + [""] * len(assignments)
                   + [_fmt(q["points"]) for q in columns])
        for student in students:
            per_nb, per_q, by_hand = [], [], 0
            for a in assignments:
                status, mine = statuses[student, a], grades[a].get(student, {})
                scores = [_score(mine.get(q["grade_id"]), status) for q in qs[a]]
                by_hand += sum(manual for _, manual in scores)
                per_q += [score for score, _ in scores]
                per_nb.append(None if status == MISSING else sum(s for s, _ in scores if s is not None))
            w.writerow([student, _fmt(sum(x for x in per_nb if x is not None)), by_hand]
                       + [_fmt(x) for x in per_nb] + [statuses[student, a] for a in assignments]
                       + [_fmt(x) for x in per_q])


def summary_lines(assignments: list[str], sources: dict, students: list[str], grades: dict,
                  statuses: dict) -> list[str]:
    """One line per lesson (its statuses) and per question (mean, full marks, zeros, left to grade by hand)."""
    lines = []
    for a in assignments:
        counts = Counter(statuses[s, a].split(" (")[0].split(";")[0].split(":")[0] for s in students)
        lines.append(f"{a}: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
        nb = nbformat.read(sources[a], as_version=4)
        titles = exercise_titles(nb)
        for q in questions(nb):
            scored = [_score(grades[a].get(s, {}).get(q["grade_id"]), statuses[s, a]) for s in students
                      if statuses[s, a] != MISSING]
            got = [x for x, _ in scored if x is not None]
            waiting = sum(manual for _, manual in scored)
            mean = f"mean {sum(got) / len(got):.2g} of {q['points']:g}" if got else f"of {q['points']:g}"
            lines.append(f"  {q['grade_id']} {titles.get(q['grade_id'], '')}: {mean}, "
                         f"full marks {sum(x == q['points'] for x in got)} of {len(scored)}, "
                         f"zero {sum(x == 0 for x in got)}" + (f", to grade by hand {waiting}" if waiting else ""))
    return lines
