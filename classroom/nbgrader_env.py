"""The nbgrader plumbing: course folders, configuration, running one converter, the kernels' transport.

Every kernel nbgrader starts here talks over the ipc transport (Unix sockets in a folder private to the
process), not TCP: two kernels started at the same moment by different processes can pick the same TCP
ports and then read each other's messages (``ValueError: Invalid Signature``), which made grading beside
a running JupyterLab flaky.
"""
from __future__ import annotations

import atexit
import html
import io
import logging
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

from cells import HERE, HIDDEN_BEGIN, HIDDEN_END, strip_region
from nbconvert.preprocessors import Preprocessor

# nbgrader's gradebook code trips SQLAlchemy's autoflush warnings; they are harmless noise here.
warnings.filterwarnings("ignore", message=".*not in session.*")
# nbgrader runs the `alembic` command of its own environment: put this Python's bin folder first.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
# ipykernel's debugger warns about frozen modules on every kernel start: nothing a teacher can act on.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

CONFIG_TEMPLATE = HERE / "nbgrader_config.py"
COURSE_ID = "d2lmini"
FEEDBACK_CONFIG = """
# Added by the d2lmini classroom tools: feedback without the hidden tests (nbgrader's default shows them),
# each figure with its cell's description as its alt text (nbconvert's template reads no alt).
import sys  # noqa: E402
sys.path.insert(0, {here!r})
from nbgrader_env import DescribeFigures, HideHiddenTests  # noqa: E402
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, DescribeFigures, CSSHTMLHeaderPreprocessor]
"""
# Failures that say nothing about the submission: the kernel's transport or start-up. Retried once.
INFRASTRUCTURE = ("Invalid Signature", "Kernel didn't respond", "Timeout waiting for kernel", "kernel died before")
_KERNEL_DIR: Path | None = None


def kernel_socket_prefix() -> str:
    """A short path private to this process where its kernels' ipc sockets go (removed at exit)."""
    global _KERNEL_DIR
    if _KERNEL_DIR is None:
        _KERNEL_DIR = Path(tempfile.mkdtemp(prefix="d2lk-", dir="/tmp" if os.path.isdir("/tmp") else None))
        atexit.register(shutil.rmtree, _KERNEL_DIR, True)
    return str(_KERNEL_DIR / "k")


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


IMAGE_TYPES = ("image/png", "image/jpeg")


def figure_alt(cell) -> str | None:
    """The description of the figure a code cell shows (cell metadata d2lmini.alt), or None."""
    alt = cell.get("metadata", {}).get("d2lmini", {}).get("alt")
    return alt.strip() if isinstance(alt, str) and alt.strip() else None


class DescribeFigures(Preprocessor):
    """Each figure of a described cell becomes an HTML <img> whose alt is the cell's metadata.d2lmini.alt.

    nbconvert's HTML templates take no alt text from a notebook: it writes "No description has been provided
    for this image" and logs "Alternative text is missing". Used for the feedback pages (GenerateFeedback)
    and the solutions pages; a figure of a cell without a description is left as it is, and still warned about.
    """

    enabled = True

    def preprocess_cell(self, cell, resources, index):
        alt = figure_alt(cell) if cell.cell_type == "code" else None
        for output in cell.get("outputs", []) if alt else []:
            data = output.get("data", {})
            mime = next((m for m in IMAGE_TYPES if m in data), None)
            if mime is None:
                continue
            size = "".join(f' {k}="{html.escape(str(v))}"' for k, v in output.get("metadata", {}).get(mime, {}).items()
                           if k in ("width", "height"))
            src = f"data:{mime};base64,{''.join(data[mime]).strip()}"
            output["data"] = {"text/html": f'<img src="{src}" alt="{html.escape(alt, quote=True)}"{size}>'}
        return cell, resources


def page_language(nb) -> str:
    """The ISO 639-1 code of a notebook's language (metadata d2lmini.language, zh_CN -> zh); 'en' by default."""
    return (nb.get("metadata", {}).get("d2lmini", {}).get("language") or "en").split("_")[0]


class PageLanguage(Preprocessor):
    """The HTML page's lang attribute is the notebook's language (nbconvert writes lang="en" for every page).

    For nbconvert's templates (the solutions pages); nbgrader's feedback template has no lang: grade.py adds it."""

    enabled = True

    def preprocess(self, nb, resources):
        if resources is not None and "language_code" in resources:
            resources["language_code"] = page_language(nb)
        return nb, resources


class _QuietNoise(logging.Filter):
    """Drops warnings every honest submission triggers, so that the log shows only what needs a look.

    nbgrader's "checksum ... has changed!" comes for every test cell with hidden tests (the grader compares
    each test cell with the student edition itself and reports real edits). nbconvert's "Alternative text
    is missing" stays: DescribeFigures gives every described figure its alt, so it names a figure without one."""

    def filter(self, record):
        text = record.getMessage()
        return not (text.startswith("Attribute 'checksum'") and "has changed" in text)


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


def load_config(root: Path, timeout: int | None = None):
    """The course folder's nbgrader configuration, with ipc kernels and an optional per-cell timeout."""
    from traitlets.config.loader import PyFileConfigLoader
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    cfg.CourseDirectory.root = str(root)
    cfg.Exchange.root = str(root / "exchange")  # never used; keeps nbgrader away from /srv
    cfg.KernelManager.transport = "ipc"
    cfg.KernelManager.ip = kernel_socket_prefix()
    cfg.Execute.startup_timeout = 300  # a kernel starting on a busy machine is not the student's fault
    if timeout is not None:
        cfg.Execute.timeout = int(timeout)
    return cfg


def task_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    """A logger writing into a string (one per converter run), without nbgrader's checksum noise."""
    buffer = io.StringIO()
    logger = logging.getLogger(f"classroom.{name}.{os.getpid()}")
    logger.handlers[:] = [logging.StreamHandler(buffer)]
    logger.handlers[0].setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    logger.filters[:] = [_QuietNoise()]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger, buffer


def run_converter(cls, root: Path, assignment: str, student: str | None = None, timeout: int | None = None,
                  **attrs) -> str:
    """Run one nbgrader converter (GenerateAssignment, Autograde, GenerateFeedback); return its log.

    Raises RuntimeError with the log when nbgrader reports a failure."""
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory
    cfg = load_config(root, timeout)
    cd = CourseDirectory(config=cfg)
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
    """The student edition of each assignment in root/release/, recording the tests in the gradebook."""
    from nbgrader.converters import GenerateAssignment
    return "".join(run_converter(GenerateAssignment, root, a, force=True, create_assignment=True)
                   for a in names)
