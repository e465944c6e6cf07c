"""The d2lmini classroom edition: student notebooks, grading and solutions, all through nbgrader.

    python classroom/course.py student   [--out build/student] [--notebooks DIR-or-FILES]
    python classroom/course.py grade SUBMISSIONS [--out build/grades] [--jobs 2]
    python classroom/course.py solutions [--out build/solutions]
    python classroom/course.py course DIR        # an nbgrader course folder for JupyterHub/formgrader
    python classroom/course.py questions [--details]   # the graded questions and points per notebook

Each lesson notebook is one nbgrader assignment named after the file (03_softmax_scratch): a teacher hands
out and collects one lesson at a time, and the gradebook keeps a score per lesson. The code lives in
build.py (the editions), grade.py (grading, statuses, scores), submissions.py (recognising and repairing
handed-in notebooks), nbgrader_env.py (the nbgrader plumbing) and cells.py (reading the notebooks).

SUBMISSIONS holds one folder per student with the notebooks as handed back:
SUBMISSIONS/<student>/<notebook>.ipynb (e.g. alice/03_softmax_scratch.ipynb); copies named
"Copy of 03_softmax_scratch.ipynb", "03_softmax_scratch (1).ipynb" or "03_softmax_scratch-Copy1.ipynb" count.

Run it with the project's Python (.venv/bin/python): nbgrader executes every notebook in the kernel named
"python3", which jupyter_client starts with the Python that runs this script.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cells import ROOT, lesson_notebooks  # noqa: E402


def notebook_list(paths: list[Path] | None) -> list[Path]:
    """The lesson notebooks named on the command line (files, or folders of NN_*.ipynb), default notebooks/."""
    found = []
    for p in paths or [ROOT / "notebooks"]:
        if p.is_dir():
            found += lesson_notebooks(p)
        elif p.is_file():
            found.append(p)
        else:
            raise ValueError(f"--notebooks {p}: no such file or folder")
    if not found:
        raise ValueError(f"--notebooks {' '.join(map(str, paths or []))}: no lesson notebooks (NN_name.ipynb) there")
    return [p.resolve() for p in found]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True)
    for name, default in [("student", "build/student"), ("solutions", "build/solutions"),
                          ("grade", "build/grades"), ("course", None), ("questions", None)]:
        p = sub.add_parser(name)
        if name == "grade":
            p.add_argument("submissions", type=Path, help="folder: <student>/<notebook>.ipynb")
            p.add_argument("--jobs", type=int, default=2, help="notebooks graded at the same time")
            p.add_argument("--timeout", type=int, default=None,
                           help="seconds a cell may run (default: 4 times the lesson's slowest cell, 60-300 s)")
        if name == "course":
            p.add_argument("dest", type=Path, help="the course folder to create")
        elif name == "questions":
            p.add_argument("--details", action="store_true", help="list every question with its prompt")
        else:
            p.add_argument("--out", type=Path, default=ROOT / default)
        p.add_argument("--notebooks", type=Path, nargs="+", default=None,
                       help="lesson notebooks, or a folder of them (default: notebooks/)")
    return top


def run(args) -> int:
    import build
    t0 = time.perf_counter()
    notebooks = notebook_list(args.notebooks)
    if args.command == "student":
        build.build_student(notebooks, args.out)
        print(f"wrote {len(notebooks)} student notebooks to {args.out} in {time.perf_counter() - t0:.0f} s")
    elif args.command == "solutions":
        build.build_solutions(notebooks, args.out)
        print(f"wrote the solutions of {len(notebooks)} notebooks to {args.out} in {time.perf_counter() - t0:.0f} s")
    elif args.command == "questions":
        print(build.question_table(notebooks, args.details))
    elif args.command == "course":
        out = build.course_folder(notebooks, args.dest.resolve())
        print(f"made the nbgrader course folder {out}: cd there and run e.g. "
              f"`nbgrader generate_assignment {notebooks[0].stem}`")
    else:
        import grade
        for option in ("jobs", "timeout"):
            if getattr(args, option) is not None and getattr(args, option) < 1:
                raise ValueError(f"--{option} {getattr(args, option)}: give a positive number")
        return 0 if grade.grade(args.submissions, args.out, notebooks, args.jobs, args.timeout) else 1
    return 0


def main(argv=None) -> int:
    """Run one command; every failure a user can cause ends in one line on stderr."""
    args = parser().parse_args(argv)
    where = getattr(args, "out", None) or getattr(args, "dest", None)
    try:
        return run(args)
    except KeyboardInterrupt:
        print(f"\ninterrupted: nothing written{f'; {where} left as it was' if where else ''}", file=sys.stderr)
        return 130
    except ValueError as err:  # OutputError, GradingError and bad options are ValueErrors with one-line messages
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {err.filename or where}: {err.strerror or err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
