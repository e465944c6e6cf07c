"""The course hub (make hub) end to end in headless Chromium, and the students' isolation on it.

One real JupyterHub (classroom/hub/jupyterhub_config.py: PAM login, local-process spawner, nbgrader's
exchange and JupyterLab extensions) is started for the module, with a teacher and two students who are
real Unix accounts made by classroom/hub/setup_course.py and removed again afterwards, also on failure.
It needs root (to create accounts and to spawn servers as them), Chromium and the proxy from npm.

test_classroom_flow: the teacher generates and releases lesson 03 in the Formgrader; alice and bob fetch
it in the Assignments tab, answer (alice correctly, bob with a typical mistake in one question), run the
notebook, save and submit; the teacher collects, autogrades, reads the scores question by question,
grades one written answer by hand, generates and releases feedback; each student fetches the feedback
and reads a matching score, with no hidden test and no solution in it; `nbgrader export`, run by the
teacher in a terminal, gives the same totals. Cells are found through their nbgrader grade_id in the
released notebook; the answers come from the instructor notebook (the solution between the markers),
so the test follows the lesson when its exercises change.

test_student_cannot_read_others: code run in alice's kernel (her own server, her own Unix account)
cannot list or read bob's home, the teacher's course folder (source with solutions, gradebook) or the
exchange's inbound submissions.
"""
from __future__ import annotations

import csv
import html
import importlib.util
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "classroom"))
import cells  # noqa: E402  (classroom/cells.py: the nbgrader markers' regions)

SHOTS = Path(os.environ.get("D2LMINI_SCREENSHOTS") or ROOT / "build" / "browser-failures")
TIMEOUT_MS = 120_000
HUB_DIR_CODE = ROOT / "classroom" / "hub"
PROXY = HUB_DIR_CODE / "node_modules" / ".bin" / "configurable-http-proxy"
LESSON = next(iter(sorted((ROOT / "notebooks").glob("03_*.ipynb"))), None)
RUN_TIMEOUT_S = 600  # the whole lesson, two students at once, on a loaded 2-core machine
PASSWORD = "pw-" + secrets.token_hex(8)
TAG = secrets.token_hex(2)
TEACHER, ALICE, BOB = f"d2lt{TAG}teach", f"d2lt{TAG}alice", f"d2lt{TAG}bob"
LAB_SETTINGS = {  # as in conftest.LAB_SETTINGS, but saving is the student's job here
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false, "doNotDisturbMode": true}',
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
}

pytestmark = pytest.mark.usefixtures("chromium_path")


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup_module():
    spec = importlib.util.spec_from_file_location("setup_course", HUB_DIR_CODE / "setup_course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ the hub


@pytest.fixture(scope="module")
def hub(chromium_path):
    """The course hub on 127.0.0.1 (random ports) with a teacher and two students; all removed afterwards."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("hub tests need root: they create Unix accounts and spawn servers as them (CI runs as root)")
    if not PROXY.exists():
        pytest.fail(f"{PROXY} is missing: run `make hub-deps` (npm ci in classroom/hub)")
    if LESSON is None:
        pytest.fail("no notebooks/03_*.ipynb: the hub test releases lesson 03")
    setup = _setup_module()
    state = Path(tempfile.mkdtemp(prefix="d2lmini-hub-"))  # not under pytest's 0700 tmp: students reach it
    env = dict(os.environ, D2LMINI_HUB_DIR=str(state), PYTHONDONTWRITEBYTECODE="1")
    groups_before = {g: _group_exists(g) for g in (setup.STUDENTS_GROUP, setup.TEACHERS_GROUP)}
    opened, proc, log = [], None, None
    try:
        opened = setup.open_python_path()
        os.environ["D2LMINI_HUB_DIR"] = str(state)
        setup.init(TEACHER, PASSWORD)
        for name in (ALICE, BOB):
            setup.add_user(name, password=PASSWORD)
        for name in (TEACHER, ALICE, BOB):
            _write_lab_settings(name)
        port, api, proxy_api = free_port(), free_port(), free_port()
        env.update(D2LMINI_HUB_URL=f"http://127.0.0.1:{port}", D2LMINI_HUB_API_PORT=str(api),
                   D2LMINI_PROXY_API_PORT=str(proxy_api))
        log = open(state / "hub.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(HUB_DIR_CODE / "jupyterhub_config.py")],
                                cwd=state, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        _wait_for(f"{url}/hub/login", proc, state / "hub.log")
        yield {"url": url, "state": state, "log": state / "hub.log",
               "course": Path(pwd.getpwnam(TEACHER).pw_dir) / setup.COURSE_FOLDER}
    finally:
        if proc is not None:
            _stop(proc)
        if log is not None:
            print(f"the hub's log ({state / 'hub.log'}), last lines:\n{(state / 'hub.log').read_text()[-3000:]}")
            log.close()
        for name in (TEACHER, ALICE, BOB):
            _stop_user_processes(name)
            setup.remove_user(name)
        for group, existed in groups_before.items():
            if not existed and _group_exists(group):
                subprocess.run(["groupdel", group], capture_output=True)
        for folder, mode in reversed(opened):
            folder.chmod(mode)
        os.environ.pop("D2LMINI_HUB_DIR", None)
        shutil.rmtree(state, ignore_errors=True)


def _group_exists(name):
    import grp
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def _write_lab_settings(name):
    entry = pwd.getpwnam(name)
    base = Path(entry.pw_dir) / ".jupyter" / "lab" / "user-settings"
    for rel, text in LAB_SETTINGS.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for path in [Path(entry.pw_dir) / ".jupyter", *(Path(entry.pw_dir) / ".jupyter").rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _wait_for(url, proc, log, timeout_s=180):
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the hub did not start; its log:\n{log.read_text()[-3000:]}")
        time.sleep(1)


def _stop(proc):
    proc.send_signal(signal.SIGTERM)  # the hub stops the users' servers, the proxy and the culler
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _stop_user_processes(name):
    """Kill what is left of a test account's processes (its server, its kernels), by process id."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        match = re.search(r"^Uid:\s+(\d+)", text, re.M)
        if match and int(match.group(1)) == uid:
            try:
                os.kill(int(status.parent.name), signal.SIGKILL)
            except OSError:
                pass


# ------------------------------------------------------------------ what the lesson asks


def _solution_body(source):
    """The solution cell with its markers removed: what a student who knows the answer writes."""
    return "\n".join(line for line in source.split("\n") if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def _stripped_region(source, begin, end):
    return [line.strip() for line in cells.region(source, begin, end)]


def _wrong_answer(solutions):
    """(grade_id, source) of a typical mistake: the lesson's own wrong-answer table if it has one, else a
    solution whose last line (a `return`) is forgotten, so the function returns None."""
    table = ROOT / "tests" / "exercise_answers" / f"answers_{LESSON.name[:2]}.py"
    if table.exists():
        sys.path.insert(0, str(ROOT / "tests"))
        try:
            spec = importlib.util.spec_from_file_location("_answers", table)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            for case in getattr(module, "CASES", []):
                if case.message is not None and case.solution_id in solutions:
                    return case.solution_id, case.source
        finally:
            sys.path.remove(str(ROOT / "tests"))
    for grade_id, source in solutions.items():
        lines = _solution_body(source).rstrip().split("\n")
        if lines[-1].strip().startswith("return ") and len(lines) > 2:
            return grade_id, "\n".join(lines[:-1] + [lines[-1][: len(lines[-1]) - len(lines[-1].lstrip())] + "pass"])
    pytest.fail(f"{LESSON.name}: no solution ending in `return` to get wrong, and no wrong-answer table {table.name}")


def lesson_plan():
    """What the instructor notebook says: solutions, written answers, points, hidden tests, model answers."""
    nb = nbformat.read(LESSON, as_version=4)
    solutions, tests, written, hidden, secret = {}, {}, {}, [], []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if not gid:
            continue
        if cell.cell_type == "code" and meta.get("solution"):
            solutions[gid] = cell.source
            secret += _stripped_region(cell.source, "BEGIN SOLUTION", "END SOLUTION")
        elif cell.cell_type == "code" and meta.get("grade"):
            tests[gid] = meta["points"]
            hidden += _stripped_region(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        elif cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            written[gid] = meta["points"]
            secret.append(cell.source.split("\n")[0].strip())
    assert solutions and tests and written, f"{LESSON.name} has no nbgrader exercises"
    return {"solutions": solutions, "tests": tests, "written": written,
            "hidden": [h for h in hidden if len(h) > 25], "secret": [s for s in secret if len(s) > 25]}


def grading_cell_after(nb, solution_id):
    """The grade_id of the autograded test cell right after solution cell `solution_id`."""
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    for gid in ids[ids.index(solution_id) + 1:]:
        if gid and nb.cells[ids.index(gid)].metadata["nbgrader"].get("grade"):
            return gid
    raise AssertionError(f"no test cell after {solution_id}")


# ------------------------------------------------------------------ the browser


@pytest.fixture
def pages(request):
    """The pages a test opened, {label: page}; photographed into build/browser-failures/ if the test fails."""
    opened = {}
    yield opened
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for label, page in opened.items():
            path = SHOTS / f"{request.node.name}-{label}.png"
            try:
                page.screenshot(path=str(path), full_page=True, timeout=30_000)
                request.config._browser_shots.append(path)
            except Exception as err:
                print(f"no screenshot of {label}: {err}")
    for page in opened.values():
        page.context.close()


def login(browser, hub, name, pages):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    pages[name.removeprefix(f"d2lt{TAG}")] = page
    page.goto(f"{hub['url']}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_selector("#jp-main-statusbar", timeout=240_000)  # the hub spawns the server first
    return page


def menu(page, top, item):
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^\s*{re.escape(top)}\s*$")).click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^\s*{re.escape(item)}\s*$"))
    page.locator(".lm-Menu .lm-Menu-item", has=label).first.click()


def formgrader(page):
    """Nbgrader > Formgrader; the frame that shows it."""
    menu(page, "Nbgrader", "Formgrader")
    return page.frame_locator("#formgrader-iframe iframe")


def confirm(frame, what, timeout_ms=400_000):
    """Wait for the Formgrader's result dialog; fail with its log unless it says Success; press OK."""
    dialog = frame.locator(".modal-dialog")
    dialog.wait_for(timeout=timeout_ms)
    text = dialog.inner_text()
    assert text.strip().startswith("×\nSuccess") or "Success" in text.split("\n")[:3], f"{what}: {text[-2000:]}"
    dialog.locator(".modal-footer button").click()
    dialog.wait_for(state="detached")


def assignment_row(frame, name):
    row = frame.locator("tr", has=frame.locator("td", has_text=name))
    row.first.wait_for()
    return row.first


def assignments_tab(page):
    """Nbgrader > Assignment List (the Assignments tab)."""
    menu(page, "Nbgrader", "Assignment List")
    page.locator("#released_assignments_list").wait_for()
    return page


def set_cell(page, index, text, markdown=False):
    """Replace cell `index`'s source as a person would: click into it, select all, type (inserted as typed)."""
    cell = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    if markdown:
        cell.dblclick()  # a rendered markdown cell opens its editor
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def start_run_all(page):
    """Run > Run All Cells (the whole lesson, as a student does before submitting)."""
    page.locator(".jp-NotebookPanel:visible .jp-Notebook").click(position={"x": 5, "y": 5})
    menu(page, "Run", "Run All Cells")


def wait_run(page):
    """Wait until no cell is running (a failing cell stops Run All, as in class)."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    time.sleep(3)
    while True:
        prompts = page.locator(".jp-NotebookPanel:visible .jp-InputPrompt").all_text_contents()
        if not any("*" in p for p in prompts):
            return
        assert time.monotonic() < deadline, f"Run All did not finish in {RUN_TIMEOUT_S} s"
        time.sleep(2)


def cell_outputs(page, index):
    cell = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(index)
    return cell.locator(".jp-OutputArea").all_text_contents()


def read_saved(path, ids, answers, timeout_s=60):
    """The notebook as saved on disk, once the save has landed (the server writes it after the page says so)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            saved = nbformat.read(path, as_version=4)
            if all(saved.cells[ids.index(g)].source.strip() == s.strip() for g, s in answers.items()):
                return saved
        except Exception:  # half written
            saved = None
        if time.monotonic() > deadline:
            return saved or nbformat.read(path, as_version=4)
        time.sleep(1)


def student_answers(page, name, plan, wrong):
    """Fetch the lesson, answer every question (one wrong if `wrong`), start Run All; returns what to check."""
    assignment = LESSON.stem
    assignments_tab(page)
    released = page.locator("#released_assignments_list .list_item", has_text=assignment).first
    released.get_by_role("button", name="Fetch").click()
    fetched = page.locator("#fetched_assignments_list > .list_item", has_text=assignment).first
    fetched.wait_for()
    home = Path(pwd.getpwnam(name).pw_dir)
    path = next(home.rglob(f"{assignment}.ipynb"))
    released_nb = nbformat.read(path, as_version=4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in released_nb.cells]
    fetched.locator(".assignment-notebooks-link").click()
    fetched.locator(".nested_list_item a", has_text=assignment).click()
    page.wait_for_function("n => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').length"
                           " === n", arg=len(released_nb.cells), timeout=TIMEOUT_MS)
    answers = {gid: _solution_body(src) for gid, src in plan["solutions"].items()}
    if wrong:
        answers[wrong[0]] = wrong[1]
    for gid, source in answers.items():
        set_cell(page, ids.index(gid), source)
    first_written = next(iter(plan["written"]))
    text = ("A smaller rate moves slowly and ends lower; a larger one swings from epoch to epoch."
            if not wrong else "The learning rate does not change anything.")
    set_cell(page, ids.index(first_written), text, markdown=True)
    start_run_all(page)
    return {"path": path, "ids": ids, "answers": answers}


def student_submits(page, name, plan, wrong, work):
    """Once the run is over: what the student saw, then save and submit in the Assignments tab."""
    assignment = LESSON.stem
    path, ids, answers = work["path"], work["ids"], work["answers"]
    wait_run(page)
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden).jp-mod-dirty')")
    saved = read_saved(path, ids, answers)
    for gid, source in answers.items():
        got = saved.cells[ids.index(gid)].source
        assert got.strip() == source.strip(), f"{name}: cell {gid} was saved as {got!r}, typed {source!r}"
    # what the student saw: every visible test passes, except the mistake's
    for gid in plan["solutions"]:
        test_id = grading_cell_after(saved, gid)
        out = " ".join(cell_outputs(page, ids.index(test_id)))
        if wrong and gid == wrong[0]:
            assert "Error" in out, f"{name}: the test of the wrong answer ({test_id}) did not fail: {out[:300]}"
            break  # Run All stops at the first failing cell
        assert "Error" not in out, f"{name}: the test {test_id} failed on the instructor's solution: {out[:500]}"
    # hand in: Assignments tab > Submit
    page.locator(".lm-TabBar-tab", has_text="Assignments").click()
    fetched = page.locator("#fetched_assignments_list > .list_item", has_text=assignment).first
    fetched.get_by_role("button", name="Submit").click()
    page.locator("#submitted_assignments_list .list_item", has_text=assignment).first.wait_for(timeout=120_000)
    return ids


def formgrader_scores(fg, name, assignment):
    """Manage Students > student > assignment > notebook: the score of every graded cell {grade_id: value}."""
    fg.locator("a", has_text="Manual Grading").first.click()  # in the menu, or the grading page's breadcrumb
    fg.locator("a", has_text="Manage Students").first.click()
    fg.locator("tr", has=fg.locator("td", has_text=re.compile(rf"^\s*{name}\s*$"))).locator("a").first.click()
    fg.locator("td a", has_text=re.compile(rf"^\s*{assignment}\s*$")).first.click()  # the assignment
    fg.locator("li", has_text=assignment).first.wait_for()  # its breadcrumb: the notebook list is shown
    fg.locator("td a", has_text=re.compile(rf"^\s*{assignment}\s*$")).first.click()  # its notebook
    fg.locator("input.score").first.wait_for()
    deadline = time.monotonic() + 60
    while True:  # the page fills the inputs from the gradebook after it loads: a typed score, else the autograder's
        shown = {el.get_attribute("id"): el.input_value() or el.get_attribute("placeholder") or ""
                 for el in fg.locator("input.score").all()}
        if all(shown.values()) or time.monotonic() > deadline:
            return shown
        time.sleep(1)


def strip_html(text):
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# ------------------------------------------------------------------ the tests


def test_classroom_flow(browser, hub, pages):
    plan = lesson_plan()
    assignment = LESSON.stem
    wrong = _wrong_answer(plan["solutions"])
    instructor = nbformat.read(LESSON, as_version=4)
    wrong_test = grading_cell_after(instructor, wrong[0])
    auto_max = sum(plan["tests"].values())
    hand_graded = next(iter(plan["written"]))
    hand_points = {ALICE: plan["written"][hand_graded], BOB: 0}
    expected = {ALICE: auto_max + hand_points[ALICE], BOB: auto_max - plan["tests"][wrong_test] + hand_points[BOB]}

    # 1. the teacher generates the student version of lesson 03 and releases it
    teacher = login(browser, hub, TEACHER, pages)
    fg = formgrader(teacher)
    row = assignment_row(fg, assignment)
    row.locator(".assign a").click()
    confirm(fg, "generate")
    row = assignment_row(fg, assignment)
    row.locator(".release a").click()
    confirm(fg, "release")
    assert "released" in assignment_row(fg, assignment).inner_text()

    # 2. two students fetch, answer, run, save and submit
    alice, bob = login(browser, hub, ALICE, pages), login(browser, hub, BOB, pages)
    work = {ALICE: student_answers(alice, ALICE, plan, None), BOB: student_answers(bob, BOB, plan, wrong)}
    student_submits(alice, ALICE, plan, None, work[ALICE])  # both lessons ran at once, as in class
    student_submits(bob, BOB, plan, wrong, work[BOB])

    # 3. the teacher collects and autogrades, reads the scores per question, grades a written answer
    teacher.bring_to_front()
    fg.locator("a", has_text="Manage Assignments").first.click()
    assignment_row(fg, assignment).locator(".collect a").click()
    confirm(fg, "collect")
    assignment_row(fg, assignment).locator("td a", has_text="2").click()  # the number of submissions
    for name in (ALICE, BOB):
        fg.locator("tr", has_text=name).locator(".autograde a").click()
        confirm(fg, f"autograde {name}")
    scores = {}
    for name in (ALICE, BOB):
        scores[name] = formgrader_scores(fg, name, assignment)
        for gid, points in plan["tests"].items():
            want = 0 if (name == BOB and gid == wrong_test) else points
            assert float(scores[name][gid]) == want, \
                f"{name}, {gid}: Formgrader shows {scores[name][gid]}, expected {want}"
        box = fg.locator(f"input.score#{hand_graded}")
        box.fill(str(hand_points[name]))
        box.press("Tab")  # leaving the box saves the score
        fg.locator(f"input.score#{hand_graded}").evaluate("e => e.blur()")
        time.sleep(2)
    fg.locator("a", has_text="Manual Grading").first.click()
    fg.locator("a", has_text="Manage Assignments").first.click()
    assignment_row(fg, assignment).locator(".generate-feedback a").click()
    confirm(fg, "generate feedback")
    assignment_row(fg, assignment).locator(".release-feedback a").click()
    confirm(fg, "release feedback")

    # 4. each student fetches the feedback and reads the score; no hidden test, no solution in it
    for name, page in ((ALICE, alice), (BOB, bob)):
        page.bring_to_front()
        page.locator(".lm-TabBar-tab", has_text="Assignments").click()
        page.locator("#refresh_assignments_list").click()
        submitted = page.locator("#submitted_assignments_list .list_item", has_text=assignment).first
        submitted.get_by_role("button", name="Fetch Feedback").click()
        submitted.locator("a", has_text="view feedback").click()
        page.locator(".jp-DirListing-item", has_text=".html").first.dblclick()
        frame = page.frame_locator(".jp-HTMLViewer iframe, iframe.jp-HTMLViewer-frame, .lm-Widget iframe").last
        header = frame.locator("h4", has_text="Score").first
        header.wait_for()
        shown = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", header.inner_text())
        assert shown and float(shown.group(1)) == expected[name], \
            f"{name}'s feedback shows {header.inner_text()!r}, expected a score of {expected[name]}"
        feedback = next(Path(pwd.getpwnam(name).pw_dir).rglob("feedback/*/*.html"))
        text = strip_html(feedback.read_text())
        own = nbformat.read(next(Path(pwd.getpwnam(name).pw_dir).rglob(f"{assignment}/{assignment}.ipynb")), 4)
        submitted_nb = "\n".join(c.source for c in own.cells)  # what the student saw and wrote
        leaked = [h for h in plan["hidden"] if h in text and h not in submitted_nb]
        assert not leaked, f"{name}'s feedback shows hidden tests: {leaked[:3]}"
        leaked = [s for s in plan["secret"] if s in text and s not in submitted_nb]
        assert not leaked, f"{name}'s feedback shows solutions or model answers: {leaked[:3]}"

    # 5. the teacher's terminal: nbgrader export gives the same totals
    out = subprocess.run(["runuser", "-u", TEACHER, "--", sys.executable, "-m", "nbgrader", "export"],
                         cwd=hub["course"], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, HOME=str(Path(pwd.getpwnam(TEACHER).pw_dir))))
    assert out.returncode == 0, out.stderr[-2000:]
    with open(hub["course"] / "grades.csv") as f:
        rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f) if r["assignment"] == assignment}
    assert rows == expected, f"nbgrader export: {rows}, the Formgrader and the feedback: {expected}"


def run_in_kernel(page, code):
    """Run `code` in a new kernel of the page's own Jupyter server (the student's); its stdout."""
    return page.evaluate("""async (code) => {
        const base = location.pathname.split('/lab')[0] + '/';
        const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
        const headers = {'X-XSRFToken': decodeURIComponent(xsrf), 'Content-Type': 'application/json'};
        const kernel = await (await fetch(base + 'api/kernels', {method: 'POST', headers,
                                                             body: JSON.stringify({name: 'python3'})})).json();
        const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${base}api/kernels/${kernel.id}/channels`);
        const msgId = Math.random().toString(36).slice(2);
        let out = '';
        await new Promise((resolve, reject) => {
            ws.onopen = () => ws.send(JSON.stringify({channel: 'shell', buffers: [], metadata: {},
                header: {msg_id: msgId, msg_type: 'execute_request', session: msgId, username: '', version: '5.3',
                         date: new Date().toISOString()},
                parent_header: {}, content: {code, silent: false, store_history: false, user_expressions: {},
                                             allow_stdin: false}}));
            ws.onmessage = (event) => {
                const msg = JSON.parse(event.data);
                if (msg.parent_header.msg_id !== msgId) return;
                if (msg.msg_type === 'stream') out += msg.content.text;
                if (msg.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
                if (msg.msg_type === 'status' && msg.content.execution_state === 'idle') resolve();
            };
            ws.onerror = reject;
            setTimeout(() => reject(new Error('no reply from the kernel')), 120000);
        });
        ws.close();
        await fetch(base + 'api/kernels/' + kernel.id, {method: 'DELETE', headers});
        return out;
    }""", code)


PROBE = """
import os, pwd
print('user', pwd.getpwuid(os.getuid()).pw_name)
for path in PATHS:
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, 'rb').read(1)
        print('READ', path)
    except PermissionError:
        print('REFUSED', path)
    except FileNotFoundError:
        print('MISSING', path)
"""


def test_student_cannot_read_others(browser, hub, pages):
    bob_home = Path(pwd.getpwnam(BOB).pw_dir)
    secret = bob_home / "notes.txt"
    secret.write_text("bob's own work\n")
    bob = pwd.getpwnam(BOB)
    os.chown(secret, bob.pw_uid, bob.pw_gid)
    course = hub["course"]
    inbound = hub["state"] / "exchange" / "d2lmini" / "inbound"
    # inbound is write-only for students (nbgrader: 0733); a submission's name ends in 72 random bits, so a
    # student who cannot list the folder cannot name another's submission
    paths = [bob_home, secret, course, course / "source", next(course.glob("source/*/*.ipynb"))]
    paths += [p for p in (course / "gradebook.db", inbound) if p.exists()]  # made by the flow's release
    page = login(browser, hub, ALICE, pages)
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^\s*Nbgrader\s*$")).click()
    items = page.locator(".lm-Menu .lm-Menu-itemLabel").all_text_contents()
    page.keyboard.press("Escape")
    assert "Assignment List" in items and "Formgrader" not in items, f"a student's Nbgrader menu: {items}"
    out = run_in_kernel(page, f"PATHS = {[str(p) for p in paths]!r}\n" + PROBE)
    assert f"user {ALICE}" in out, f"the kernel does not run as {ALICE}: {out}"
    results = dict(line.split(" ", 1)[::-1] for line in out.strip().split("\n")[1:])
    readable = [p for p, r in results.items() if r != "REFUSED" and "alice" not in p]
    assert not readable, f"{ALICE} could read or list: {readable}\n{out}"
    assert len(results) == len(paths), out
    if any(inbound.glob(f"{BOB}+*")):
        out = run_in_kernel(page, f"import glob; print(glob.glob({str(inbound)!r} + '/*'))")
        assert out.strip() == "[]", f"{ALICE} can see the exchange's submissions: {out}"
