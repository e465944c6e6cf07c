"""The wrong-answer tables (tests/exercise_answers/answers_NN.py): every case against the full test cell.

For each lesson with a table, the instructor notebook runs once, top to bottom, in a fresh kernel (one
thread, D2LMINI_DATA as set). Then, for each case, the solution cell's code is replaced by the case's
source and the whole test cell runs, hidden tests included: a PASS case must pass and print "ok" last; any
other case must fail with a message containing the case's expected text. After each case the original
solution cell runs again, so the next case starts from the instructor's state. Last, each question's
untouched student-edition stub (its names unbound first) must fail its test cell: a test that passes with
no answer cannot tell right from wrong.

The lessons run only under `make classroom-answers` (D2LMINI_CLASSROOM=all), two at a time (pytest -n 2);
the runner itself is tested on the fixture notebook in every `make unit`.
"""
import ast
import importlib.util
import os
import queue
import re
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "classroom"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import cells  # noqa: E402
from exercise_cases import PASS, Case  # noqa: E402

ANSWERS = ROOT / "tests" / "exercise_answers"
FIXTURES = ROOT / "tests" / "fixtures" / "classroom"
CELL_TIMEOUT = 600  # seconds: a lesson's slowest cell on a busy machine
CASE_TIMEOUT = 120  # seconds for one case's solution or test cell


def lessons():
    """(notebook, answers file) for every lesson that has a table, restricted by D2LMINI_CLASSROOM_ONLY."""
    only = os.environ.get("D2LMINI_CLASSROOM_ONLY")
    found = []
    for nb in cells.lesson_notebooks():
        table = ANSWERS / f"answers_{nb.name[:2]}.py"
        if table.exists() and (not only or nb.name[:2] in only.split(",")):
            found.append(pytest.param(nb, table, id=nb.stem))
    return found


def load_cases(table: Path) -> list:
    """The CASES list of an answers file."""
    spec = importlib.util.spec_from_file_location(f"_answers_{table.stem}", table)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases = getattr(module, "CASES", None)
    if not isinstance(cases, list) or not all(isinstance(c, Case) for c in cases):
        raise AssertionError(f"{table.name}: CASES must be a list of exercise_cases.Case")
    return cases


class Kernel:
    """A fresh python3 kernel (ipc transport, one thread) that runs code and reports its error, if any."""

    def __init__(self, cwd: Path):
        from jupyter_client.manager import KernelManager
        self.sockets = tempfile.mkdtemp(prefix="d2la-", dir="/tmp" if os.path.isdir("/tmp") else None)
        self.km = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(self.sockets, "k"))
        env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.pop("MPLBACKEND", None)  # the kernel's own inline backend, as under nbval (lesson 11 checks its displays)
        self.km.start_kernel(cwd=str(cwd), env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def run(self, code: str, timeout: float) -> tuple[str | None, str]:
        """Run code; return (None, printed text) when it succeeds, ('Name: message', printed text) when not."""
        printed = []

        def hook(msg):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                printed.append(content["text"])
        try:
            reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook, allow_stdin=False)
        except (TimeoutError, queue.Empty):
            self.km.interrupt_kernel()
            try:
                self.kc.get_shell_msg(timeout=30)
            except queue.Empty:
                pass
            return f"TimeoutError: no answer within {timeout:.0f} s", "".join(printed)
        content = reply["content"]
        if content["status"] == "ok":
            return None, "".join(printed)
        return f"{content['ename']}: {content['evalue']}", "".join(printed)

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)
        import shutil
        shutil.rmtree(self.sockets, ignore_errors=True)


def solution_cells(nb) -> dict[str, tuple[int, int]]:
    """{solution grade_id: (solution cell index, test cell index)} for every autograded question."""
    found = {}
    for i, cell in enumerate(nb.cells[:-1]):
        gid = cells.nbgrader_meta(cell).get("grade_id")
        if cell.cell_type == "code" and cells.is_solution(cell) and cells.is_autograded_test(nb.cells[i + 1]):
            found[gid] = (i, i + 1)
    return found


def unknown_ids(cases: list, nb, table: Path) -> list[str]:
    """One line per case whose solution_id is not an autograded question's solution cell."""
    known = solution_cells(nb)
    return [f"{table.name}, case {k}{f' ({case.why})' if case.why else ''}: no solution cell {case.solution_id!r} "
            f"followed by its test cell (there are: {', '.join(known) or 'none'})"
            for k, case in enumerate(cases, 1) if case.solution_id not in known]


def check_case(kernel: Kernel, nb, case: Case, k: int) -> list[str]:
    """Run one case and put the instructor's solution back; return its mismatches (none when it behaves)."""
    solution, test = solution_cells(nb)[case.solution_id]
    name = f"case {k} ({case.solution_id}, {case.why or 'no description'})"
    problems = []
    error, _ = kernel.run(case.source, CASE_TIMEOUT)
    if error is None:
        error, printed = kernel.run(nb.cells[test].source, CASE_TIMEOUT)
    else:
        printed = ""
        error = f"the case's own code failed: {error}"
    if case.message is PASS:
        last = printed.strip().splitlines()[-1:] or [""]
        if error is not None:
            problems.append(f"{name}: should pass, fails with {error}")
        elif not re.search(r"\bok\b", last[0]):
            problems.append(f"{name}: passes but its last printed line is {last[0]!r}, without 'ok'")
    elif error is None:
        problems.append(f"{name}: should fail with {case.message!r}, passes")
    elif case.message not in error:
        problems.append(f"{name}: should fail with {case.message!r}, fails with {error}")
    restored, _ = kernel.run(nb.cells[solution].source, CASE_TIMEOUT)
    if restored is not None:
        problems.append(f"{name}: the instructor's solution cell fails when run again: {restored}")
    return problems


def stub_of(cell) -> str:
    """The student edition of a solution cell, as nbgrader makes it (`raise NotImplementedError()` stubs)."""
    from nbgrader.preprocessors import ClearSolutions
    stub, _ = ClearSolutions().preprocess_cell(nbformat.from_dict(cell), {"language": "python"}, 0)
    return stub.source


def defined_names(source: str) -> list[str]:
    """The names a cell binds at its top level (assignments, functions, classes, imports)."""
    names = []
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)] if target is not None else []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
    return names


def check_untouched(kernel: Kernel, nb, solution_id: str) -> list[str]:
    """The student edition's stub, in place of the solution (its names unbound), must fail the test cell."""
    solution, test = solution_cells(nb)[solution_id]
    names = defined_names(nb.cells[solution].source)
    kernel.run(f"for _name in {names!r}:\n    globals().pop(_name, None)", CASE_TIMEOUT)
    kernel.run(stub_of(nb.cells[solution]), CASE_TIMEOUT)  # raises NotImplementedError where it is a bare stub
    error, _ = kernel.run(nb.cells[test].source, CASE_TIMEOUT)
    problems = [] if error else [f"{solution_id}: the untouched student edition passes its test cell"]
    restored, _ = kernel.run(nb.cells[solution].source, CASE_TIMEOUT)
    if restored is not None:
        problems.append(f"{solution_id}: the instructor's solution cell fails when run again: {restored}")
    return problems


def run_table(notebook: Path, table: Path) -> list[str]:
    """Every case of `table` against `notebook`; return the mismatches."""
    nb = nbformat.read(notebook, as_version=4)
    cases = load_cases(table)
    missing = unknown_ids(cases, nb, table)
    if missing:
        return missing
    kernel = Kernel(notebook.parent)
    try:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and cell.source.strip():
                error, _ = kernel.run(cell.source, CELL_TIMEOUT)
                if error is not None:
                    return [f"{notebook.name}: cell {i + 1} fails in a fresh kernel: {error}"]
        problems = [p for k, case in enumerate(cases, 1) for p in check_case(kernel, nb, case, k)]
        return problems + [p for sid in solution_cells(nb) for p in check_untouched(kernel, nb, sid)]
    finally:
        kernel.close()


# ------------------------------------------------------------------------------------------------
# the runner on the fixture notebook (every make unit)
# ------------------------------------------------------------------------------------------------

def test_runner_on_the_fixture():
    assert run_table(FIXTURES / "00_fixture.ipynb", FIXTURES / "answers_00.py") == []


def test_runner_reports_mismatches_with_the_actual_message(tmp_path):
    table = tmp_path / "answers_00.py"
    table.write_text(
        "from exercise_cases import PASS, Case\n"
        "CASES = [Case('nb00-ex2-solution', 'uniform_loss = 2.0', PASS, 'wrong but called right'),\n"
        "         Case('nb00-ex2-solution', 'uniform_loss = 2.302585', 'the loss is', 'right but called wrong'),\n"
        "         Case('nb00-ex2-solution', 'uniform_loss = 0.0', 'no such text', 'wrong message')]\n")
    problems = run_table(FIXTURES / "00_fixture.ipynb", table)
    assert len(problems) == 3, problems
    assert "should pass, fails with AssertionError: uniform_loss = 2.0" in problems[0]
    assert "should fail with 'the loss is', passes" in problems[1]
    assert "fails with AssertionError: uniform_loss = 0.0: the loss is -log(1/10)" in problems[2]


def test_the_untouched_check_can_fail():
    nb = nbformat.read(FIXTURES / "00_fixture.ipynb", as_version=4)
    assert defined_names(nb.cells[4].source) == ["stable_softmax"]
    assert stub_of(nb.cells[7]) == "# YOUR CODE HERE\nraise NotImplementedError()"
    nb.cells[8].source = "print('ok')"  # a test that checks nothing
    kernel = Kernel(FIXTURES)
    try:
        for cell in nb.cells:
            if cell.cell_type == "code":
                kernel.run(cell.source, CASE_TIMEOUT)
        assert check_untouched(kernel, nb, "nb00-ex1-solution") == []
        assert check_untouched(kernel, nb, "nb00-ex2-solution") == [
            "nb00-ex2-solution: the untouched student edition passes its test cell"]
    finally:
        kernel.close()


def test_runner_refuses_an_unknown_solution_id(tmp_path):
    table = tmp_path / "answers_00.py"
    table.write_text("from exercise_cases import PASS, Case\nCASES = [Case('nb00-ex9-solution', 'x = 1', PASS)]\n")
    problems = run_table(FIXTURES / "00_fixture.ipynb", table)
    assert problems == ["answers_00.py, case 1: no solution cell 'nb00-ex9-solution' followed by its test "
                        "cell (there are: nb00-ex1-solution, nb00-ex2-solution, nb00-ex3-solution)"]


# ------------------------------------------------------------------------------------------------
# every lesson with a table (make classroom-answers)
# ------------------------------------------------------------------------------------------------

@pytest.mark.skipif(os.environ.get("D2LMINI_CLASSROOM") != "all",
                    reason="slow (runs every lesson once): run by make classroom-answers")
@pytest.mark.parametrize("notebook, table", lessons())
def test_wrong_answers_get_their_message(notebook, table):
    problems = run_table(notebook, table)
    assert problems == [], "\n" + "\n".join(problems)
