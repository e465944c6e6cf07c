"""Fixtures of the real-browser tests: Debian's Chromium driven by Playwright, the site server, JupyterLab.

`make test-browser` sets D2LMINI_BROWSER_TESTS=1 and builds the site first; a plain `pytest tests`
skips these tests with one line. Without Playwright or a Chromium they skip with one line saying so.
Screenshots of failed tests go to build/browser-failures/ (or $D2LMINI_SCREENSHOTS), printed at the end.
"""
import functools
import http.server
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "html"
SHOTS = Path(os.environ.get("D2LMINI_SCREENSHOTS") or ROOT / "build" / "browser-failures")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Generous: other sessions may be loading the machine.
TIMEOUT_MS = 120_000
SKIP_PREFIX = "real-browser tests skipped"


def find_chromium():
    """Path of a Chromium or Chrome binary ($CHROMIUM first), or None."""
    candidates = [os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
    for name in filter(None, candidates):
        path = shutil.which(name) or (name if Path(name).is_file() else None)
        if path:
            return path
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path():
    if not os.environ.get("D2LMINI_BROWSER_TESTS"):
        pytest.skip(f"{SKIP_PREFIX}: they run with `make test-browser` (or D2LMINI_BROWSER_TESTS=1)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip(f"{SKIP_PREFIX}: Playwright is not installed (pip install -e '.[docs]')")
    path = find_chromium()
    if path is None:
        pytest.skip(f"{SKIP_PREFIX}: no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/it)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # As root Chromium's sandbox cannot start; Playwright passes --no-sandbox by default.
        browser = p.chromium.launch(executable_path=chromium_path, headless=True,
                                    args=["--disable-gpu", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
    # one line for all the tests skipped for want of a browser, not one per test function
    if rep.skipped and isinstance(rep.longrepr, tuple) and SKIP_PREFIX in str(rep.longrepr[2]):
        rep.longrepr = (__file__, 0, rep.longrepr[2])


class Recorder:
    """What a page did that a test may object to: console errors, uncaught exceptions, outside requests."""

    def __init__(self):
        self.console_errors, self.page_errors, self.outside, self.failed = [], [], [], []

    def attach(self, context):
        def route(route):
            url = route.request.url
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
                self.outside.append(url)
                return route.abort()
            return route.continue_()

        context.route("**/*", route)
        context.on("page", self.watch)

    def watch(self, page):
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(
            f"{msg.text} ({msg.location.get('url', '')})"))
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.on("requestfailed", lambda req: self.failed.append(f"{req.url}: {req.failure}"))


def _screenshot_on_failure(request, page):
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:120]
        path = SHOTS / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True, timeout=30_000)
            request.config._browser_shots.append(path)
        except Exception as err:  # a crashed page cannot be photographed; say so
            print(f"no screenshot for {request.node.name}: {err}")
        if "lab" in request.fixturenames:
            log = request.getfixturevalue("lab")[2].parent / "jupyter-lab.log"
            print(f"JupyterLab's log ({log}), last lines:\n{log.read_text()[-3000:]}")


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def context(browser, recorder):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    recorder.attach(context)
    yield context
    context.close()


@pytest.fixture
def page(request, context):
    page = context.new_page()
    yield page
    _screenshot_on_failure(request, page)


# ---------------------------------------------------------------- accessibility (axe-core)

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the ADA Title II rule and EN 301 549 require
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# started without waiting, so that several tabs can run axe at once; AXE_RESULT awaits it
START_AXE = """([context, tags, off]) => {
    window.__d2lminiAxe = axe.run(context || document, {runOnly: {type: 'tag', values: tags},
        rules: Object.fromEntries(off.map(id => [id, {enabled: false}])), resultTypes: ['violations']})
        .then(result => result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            count: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
            summary: (v.nodes[0] && v.nodes[0].failureSummary || '').split('\\n').slice(0, 3).join(' ')})));
}"""
AXE_RESULT = """() => window.__d2lminiAxe"""


def start_axe(page, include=None, exclude=None, skip_rules=()):
    """Inject axe.min.js (from tests/browser/node_modules, `make axe-deps`; never a CDN) and start a run
    (without the rules named in skip_rules)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe-deps` (npm ci in tests/browser)")
    if not page.evaluate("() => typeof window.axe === 'object' && !!window.axe.run"):
        page.add_script_tag(path=str(AXE_JS))
    context = None
    if include or exclude:
        context = {"include": _selectors(include) or ["html"], "exclude": _selectors(exclude)}
    page.evaluate(START_AXE, [context, AXE_TAGS, list(skip_rules)])


def axe_result(page):
    """The violations of the run start_axe began on this page."""
    return page.evaluate(AXE_RESULT)


def axe_violations(page, include=None, exclude=None):
    """axe-core's WCAG 2.1 A/AA violations on the page (or inside the `include` selectors), as dicts.

    Each violation: rule id, impact, help text, number of elements, the first three targets and the first
    element's failure summary.
    """
    start_axe(page, include, exclude)
    return axe_result(page)


def _selectors(sel):
    return [sel] if isinstance(sel, str) else list(sel or [])


def format_violations(violations):
    """One readable line per violation, for an assertion message."""
    return "\n  ".join(f"{v['id']} ({v['impact']}, {v['count']} element(s)): {v['help']}; "
                       f"e.g. {', '.join(v['targets'])}; {v['summary']}" for v in violations)


# so that the `axe` fixture alone gives a test all of it: axe(page), axe.format(v), axe.start(page) + axe.result(page)
axe_violations.format = format_violations
axe_violations.start = start_axe
axe_violations.result = axe_result


@pytest.fixture
def axe():
    """`axe(page, include=None, exclude=None)`: the WCAG 2.1 A/AA violations (see axe_violations)."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make axe-deps` (npm ci in tests/browser)")
    return axe_violations


def pytest_configure(config):
    config._browser_shots = []
    if os.environ.get("D2LMINI_BROWSER_TESTS") and SHOTS.is_dir():
        for old in SHOTS.glob("test_*.png"):  # screenshots of an earlier run would mislead
            old.unlink()


def pytest_terminal_summary(terminalreporter, config):
    shots = getattr(config, "_browser_shots", [])
    if shots:
        terminalreporter.write_line(f"browser screenshots of the failed tests are in {SHOTS}/:")
        for path in shots:
            terminalreporter.write_line(f"  {path.name}")


# ---------------------------------------------------------------- the site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    missing = []

    def log_message(self, format, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        self.missing.append(f"{code} {self.path}")
        super().send_error(code, message, explain)


@pytest.fixture(scope="session")
def site_url(chromium_path):
    """build/html served on 127.0.0.1 (a random port) for the session."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"{SITE} has no site: run `make html` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# ---------------------------------------------------------------- JupyterLab

LAB_SETTINGS = {
    # no news pop-up, no update check, no toasts over the notebook
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false, "doNotDisturbMode": true}',
    # the scratch copy is thrown away; never write it behind the test's back
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": '{"autosave": false}',
    # every cell in the DOM (the test still reads textContent, which works either way)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
}


@pytest.fixture(scope="session")
def lab(chromium_path, tmp_path_factory):
    """`jupyter lab` on 127.0.0.1 with a random token, on a scratch copy of notebooks/.

    Yields (base_url, token, scratch_dir). Settings, workspaces, runtime and config folders are the
    test's own, so nothing of the user's JupyterLab set-up leaks in and nothing in the repository is written.
    """
    base = tmp_path_factory.mktemp("lab")
    scratch = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", scratch,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "runs", "kernel-ipc-*"))
    settings = base / "settings"
    for rel, text in LAB_SETTINGS.items():
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(text)
    env = dict(os.environ,
               JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
               JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("MPLBACKEND", None)  # the notebooks draw with the inline backend
    token = secrets.token_hex(24)
    port = free_port()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={scratch}",
           "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(base / "jupyter-lab.log", "w")
    proc = subprocess.Popen(cmd, cwd=scratch, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"jupyter lab did not start; its log:\n{(base / 'jupyter-lab.log').read_text()[-3000:]}")
        time.sleep(1)
    yield url, token, scratch
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
