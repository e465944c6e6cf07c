"""The editions built from a folder of instructor notebooks: student notebooks, solutions, an nbgrader course.

Each is built from whatever notebooks it is given (`notebooks/` by default; a translated folder is built the
same way) and written through d2lmini.outdir: into a fresh folder that replaces `out` only when complete,
and never over a folder that holds anything else.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
from cells import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    SOLUTION_BEGIN,
    SOLUTION_END,
    is_autograded_test,
    is_manual_answer,
    nbgrader_meta,
    questions,
    strip_region,
)
from nbgrader_env import DescribeFigures, PageLanguage, generate_assignments, make_course, page_language

from d2lmini.outdir import output_folder

STUDENT_MARKER, SOLUTIONS_MARKER = "d2lmini-student", "d2lmini-solutions"
# nbconvert's lab template fails WCAG 2.1 AA contrast on its grey code background (#f5f5f5): numbers #080,
# comments #408080, operators #a2f; and its faded "In [ ]:" prompts. Darker shades of the same hues.
READABLE_CSS = """<style>
:root { --jp-mirror-editor-number-color: #006400; --jp-mirror-editor-comment-color: #306060;
        --jp-mirror-editor-operator-color: #7a1fb8; --jp-mirror-editor-meta-color: #7a1fb8;
        --jp-mirror-editor-atom-color: #3030c0; --jp-mirror-editor-bracket-color: #5f5f3f;
        --jp-mirror-editor-hr-color: #595959; }
.jp-Cell .jp-InputPrompt, .jp-Cell .jp-OutputPrompt { color: #595959 !important; opacity: 1 !important; }
</style>
"""


def _only(*suffixes):
    """An earlier output written before the marker file existed: a folder of files with these suffixes."""
    return lambda folder: all(p.is_file() and p.suffix in suffixes for p in Path(folder).iterdir())


def _inputs(notebooks: list[Path]) -> tuple[Path, ...]:
    return tuple(sorted({p.parent for p in notebooks}))


def build_student(notebooks: list[Path], out: Path) -> Path:
    """The student edition of each notebook in `out`: stubs for solutions, no hidden tests, no outputs."""
    with output_folder(out, marker=STUDENT_MARKER, inputs=_inputs(notebooks), legacy=_only(".ipynb")) as staging:
        with tempfile.TemporaryDirectory(prefix="d2lmini-course-") as tmp:
            root = Path(tmp)
            names = make_course(root, notebooks)
            generate_assignments(root, names)
            for a in names:
                shutil.copyfile(root / "release" / a / f"{a}.ipynb", staging / f"{a}.ipynb")
    return out


def course_folder(notebooks: list[Path], dest: Path) -> Path:
    """A persistent nbgrader course folder (config + source/) to use with nbgrader directly."""
    if (dest / "gradebook.db").exists():
        raise ValueError(f"{dest} already holds a gradebook; refusing to overwrite it")
    make_course(dest, notebooks)
    return dest


def solutions_notebook(path: Path):
    """The title cell and the exercises with their solutions: markers and hidden tests removed."""
    nb = nbformat.read(path, as_version=4)
    start = next((i for i, c in enumerate(nb.cells)
                  if c.cell_type == "markdown" and re.search(r"^## (Exercises|练习|习题)", c.source, re.M)), None)
    if start is None:
        raise ValueError(f"{path}: no '## Exercises' heading")
    out = []
    for cell in [nb.cells[0]] + nb.cells[start:]:
        cell = nbformat.from_dict(json.loads(json.dumps(cell)))
        if cell.cell_type == "code":
            source = strip_region(cell.source, HIDDEN_BEGIN, HIDDEN_END)
            cell.source = "\n".join(line for line in source.split("\n")
                                    if SOLUTION_BEGIN not in line and SOLUTION_END not in line)
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
    exporter.register_preprocessor(DescribeFigures(), enabled=True)  # each figure's description as its alt
    exporter.register_preprocessor(PageLanguage(), enabled=True)  # <html lang="zh"> for the Chinese edition
    languages = []
    links = []
    with output_folder(out, marker=SOLUTIONS_MARKER, inputs=_inputs(notebooks),
                       legacy=_only(".ipynb", ".html")) as staging:
        for path in notebooks:
            nb = solutions_notebook(path)
            languages.append(page_language(nb))
            nbformat.write(nb, staging / path.name)
            html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f"{path.stem}: solutions"}})
            html = html.replace("</head>", READABLE_CSS + "</head>", 1)
            (staging / f"{path.stem}.html").write_text(html, encoding="utf-8")
            title = nb.cells[0].source.split("\n")[0].lstrip("# ").strip()
            n = sum(map(is_autograded_test, nb.cells))
            links.append(f'<li><a href="{path.stem}.html">{title}</a> ({n} autograded questions, '
                         f'<a href="{path.name}">notebook</a>)</li>')
        lang = languages[0] if len(set(languages)) == 1 else "en"
        (staging / "index.html").write_text(
            f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            "<title>d2lmini: solutions</title></head>\n"
            "<body><h1>d2lmini: exercises with solutions</h1>\n<ul>\n" + "\n".join(links) +
            "\n</ul></body></html>\n", encoding="utf-8")
    return out


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
