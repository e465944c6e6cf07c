"""JupyterLab in headless Chromium: what a student sees when running notebooks 11 (interactive) and 03.

A real `jupyter lab` (127.0.0.1, random token) serves a scratch copy of notebooks/; each test opens
its notebook in a fresh workspace, clears every output, runs all cells from the Run menu, and checks
what the page shows. JupyterLab may keep off-screen cells out of the layout, so text is read as
textContent. Cells are found by what their code does, not by their position or exact wording.
"""
import json
import re
import secrets
import time

import pytest

pytestmark = pytest.mark.usefixtures("chromium_path")

RUN_TIMEOUT_S = 900  # a whole notebook on a loaded 2-core machine
WIDGET_TIMEOUT_MS = 120_000

STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
STDOUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]'
WIDGET_VIEW = ".jp-OutputArea-output > .jupyter-widgets"  # a widget view rendered as an output
PLAIN = '.jp-OutputArea-output[data-mime-type="text/plain"]'

CELL_STATE = """panel => [...panel.querySelectorAll('.jp-CodeCell')].map(cell => ({
    prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
    source: (cell.querySelector('.jp-InputArea-editor') || {}).textContent || '',
    errors: [...cell.querySelectorAll('""" + STDERR + """')].map(e => e.textContent.slice(0, 800)),
}))"""


def open_notebook(page, lab, name):
    """Open scratch/<name> in a fresh workspace; return its notebook panel once the kernel is idle."""
    url, token, scratch = lab
    n_cells = len(json.loads((scratch / name).read_text())["cells"])
    page.goto(f"{url}/lab/workspaces/t{secrets.token_hex(6)}/tree/{name}?reset&token={token}")
    panel = page.locator(".jp-NotebookPanel").first
    # loaded: all the file's cells are there (a new panel first shows one empty cell)
    page.wait_for_function("([panel, n]) => panel.querySelectorAll('.jp-Cell').length === n",
                           arg=[panel.element_handle(), n_cells], timeout=WIDGET_TIMEOUT_MS)
    wait_idle(page)
    return panel


def wait_idle(page, timeout_s=300):
    # the status bar names a kernel that is idle ("Python 3 (ipykernel) | Idle", not "No Kernel")
    page.wait_for_function("""() => {
        const bar = (document.querySelector('#jp-main-statusbar') || {}).textContent || '';
        return /\\|\\s*Idle(?![a-z])/.test(bar) && !/No Kernel/.test(bar);  // items run together
    }""", timeout=timeout_s * 1000)


def menu(page, top, item):
    """Click menu bar `top`, then the item labelled exactly `item` (several items start alike)."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^\s*{re.escape(top)}\s*$")).click()
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(rf"^\s*{re.escape(item)}\s*$"))
    page.locator(".lm-Menu .lm-Menu-item", has=label).first.click()


def clear_and_run_all(page, panel):
    """Edit > Clear Outputs of All Cells, then Run > Run All Cells; wait for every cell to finish.

    Fails early, with the error text, when a cell writes to stderr and execution has stopped."""
    panel.locator(".jp-Notebook").click(position={"x": 5, "y": 5})  # the notebook is the current widget
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("panel => !panel.querySelector('.jp-OutputArea-output')", arg=panel.element_handle())
    cells = panel.evaluate(CELL_STATE)
    assert cells and all(re.fullmatch(r"\[ ?\]:", c["prompt"].strip()) for c in cells), \
        f"outputs not cleared: {[c['prompt'] for c in cells]}"
    menu(page, "Run", "Run All Cells")
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        time.sleep(2)
        cells = panel.evaluate(CELL_STATE)
        errors = [(i, c["source"][:200], c["errors"]) for i, c in enumerate(cells) if c["errors"]]
        done = all(re.fullmatch(r"\[\d+\]:", c["prompt"].strip()) for c in cells)
        busy = any("*" in c["prompt"] for c in cells)
        if errors and not busy:
            pytest.fail(f"error output in code cell(s): {errors}")
        if done:
            break
        assert time.monotonic() < deadline, f"Run All did not finish: {[c['prompt'] for c in cells]}"
    wait_idle(page)
    assert not errors, f"error output in code cell(s): {errors}"
    numbers = [int(c["prompt"].strip()[1:-2]) for c in cells]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), f"cells ran out of order: {numbers}"
    return cells


def code_cell(page, panel, source_pattern, has=None):
    """The code cell whose source matches the regex (and that contains the locator `has`)."""
    cells = panel.locator(".jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=re.compile(source_pattern, re.I | re.S)))
    if has is not None:
        cells = cells.filter(has=page.locator(has))
    assert cells.count() >= 1, f"no code cell matching {source_pattern!r}" + (f" with {has}" if has else "")
    return cells.first


def output_state(cell):
    """(stdout text, [img src]) of the Output widget in a cell."""
    return cell.evaluate("""cell => {
        const out = cell.querySelector('.widget-output');
        if (!out) return ['', []];
        return [[...out.querySelectorAll('""" + STDOUT + """')].map(e => e.textContent).join(''),
                [...out.querySelectorAll('img')].map(i => i.src)];
    }""")


def wait_changed(cell, before, what, timeout_s=120, text_too=True):
    # poll until the Output widget's figure (and text) differ from `before`
    deadline = time.monotonic() + timeout_s
    while True:
        now = output_state(cell)
        if (now[0] != before[0] or not text_too) and now[1] and now[1] != before[1]:
            return now
        assert time.monotonic() < deadline, f"{what}: text or figure did not change (text {now[0]!r})"
        time.sleep(0.5)


def assert_clean(recorder):
    assert not recorder.outside, f"JupyterLab requested outside 127.0.0.1: {recorder.outside[:5]}"
    assert not recorder.page_errors, f"uncaught exceptions in JupyterLab: {recorder.page_errors[:5]}"
    assert not recorder.console_errors, f"console errors in JupyterLab: {recorder.console_errors[:5]}"


def settle(page, cell, quiet_s=3):
    """Wait for the kernel to be idle and the cell's Output to stop changing: a redraw that lands while
    a later button is pressed moves that button between mouse-down and mouse-up, losing the click."""
    wait_idle(page)
    last, since = output_state(cell), time.monotonic()
    while time.monotonic() - since < quiet_s:
        time.sleep(0.5)
        now = output_state(cell)
        if now != last:
            last, since = now, time.monotonic()
    wait_idle(page)


def button_cell(page, panel, label):
    """(the one code cell holding a widget button labelled `label`, that button), matched by its text."""
    text = re.compile(rf"^\s*{label}\s*$", re.I)
    cell = panel.locator(".jp-CodeCell").filter(has=page.locator("button.widget-button", has_text=text))
    assert cell.count() == 1, f"expected one cell with a '{label}' button, found {cell.count()}"
    return cell, cell.locator("button.widget-button", has_text=text)


def test_widgets_notebook_runs_and_its_widgets_respond(page, lab, recorder):
    panel = open_notebook(page, lab, "11_interactive.ipynb")
    clear_and_run_all(page, panel)
    text = panel.evaluate("p => p.textContent")
    assert "Error displaying widget" not in text
    views = panel.locator(WIDGET_VIEW)
    assert views.count() >= 3, f"{views.count()} widget views rendered, expected the 3 controls"
    fallbacks = [t for t in panel.locator(PLAIN).all_text_contents()
                 if re.match(r"\s*(VBox|HBox|Box|Button|\w*Slider|Output)\(", t)]
    assert not fallbacks, f"widgets shown as text: {fallbacks[:3]}"

    # (a) the temperature slider: drag it; the printed line and the bar chart change
    slider_cell = code_cell(page, panel, r"temperature", has=".widget-slider")
    before = output_state(slider_cell)
    assert before[0].strip() and len(before[1]) == 1, f"slider output before moving: {before}"
    readout = slider_cell.locator(".widget-readout").first
    value_before = readout.text_content()
    handle = slider_cell.locator(".noUi-handle").first
    track = slider_cell.locator(".noUi-target").first
    handle.scroll_into_view_if_needed()
    h, t = handle.bounding_box(), track.bounding_box()
    page.mouse.move(h["x"] + h["width"] / 2, h["y"] + h["height"] / 2)
    page.mouse.down()
    page.mouse.move(t["x"] + 0.8 * t["width"], h["y"] + h["height"] / 2, steps=8)
    page.mouse.up()
    after = wait_changed(slider_cell, before, "temperature slider")
    assert readout.text_content() != value_before, "the slider's readout did not move"
    assert len(after[1]) == 1, f"{len(after[1])} figures after moving the slider, expected 1"
    settle(page, slider_cell)

    # (b) the image browser: "next" shows another image and its label
    browser_cell, next_button = button_cell(page, panel, "next")
    before = output_state(browser_cell)
    next_button.click()
    after = wait_changed(browser_cell, before, "next button")
    assert len(after[1]) == 1, f"{len(after[1])} figures in the image browser, expected 1"
    settle(page, browser_cell)

    # (c) Train: greys out while the model trains, ends with exactly one figure
    train_cell, train_button = button_cell(page, panel, "train")
    before = output_state(train_cell)
    train_button.evaluate("""b => { window.__trainSeen = {disabled: false};
        new MutationObserver(() => { if (b.disabled) window.__trainSeen.disabled = true; })
            .observe(b, {attributes: true}); }""")
    train_button.click()
    page.wait_for_function("() => window.__trainSeen.disabled", timeout=WIDGET_TIMEOUT_MS)
    train_button.wait_for(state="attached")
    page.wait_for_function("b => !b.disabled", arg=train_button.element_handle(), timeout=RUN_TIMEOUT_S * 1000)
    # the same settings print the same accuracy (runs are seeded), but the figure now shows the earlier run too
    after = wait_changed(train_cell, before, "Train button", timeout_s=60, text_too=False)
    assert after[0].strip(), "no summary line after training"
    assert len(after[1]) == 1, f"{len(after[1])} figures after training, expected exactly 1"
    assert not train_cell.locator(STDERR).count(), train_cell.locator(STDERR).all_text_contents()
    assert_clean(recorder)


def test_live_training_plot_updates_one_output_in_place(page, lab, recorder):
    panel = open_notebook(page, lab, "03_softmax_scratch.ipynb")
    live = code_cell(page, panel, r"animate_training|Animator")
    # watch the cell while it runs: how many figures at once, how many different drawings
    live.evaluate("""cell => { const seen = window.__live = {maxImgs: 0, srcs: new Set()};
        const look = () => { const imgs = cell.querySelectorAll('.jp-OutputArea-output img');
            seen.maxImgs = Math.max(seen.maxImgs, imgs.length);
            imgs.forEach(i => seen.srcs.add(i.src.length + ':' + i.src.slice(-64))); };
        new MutationObserver(look).observe(cell, {childList: true, subtree: true, attributes: true,
                                                  attributeFilter: ['src']}); }""")
    clear_and_run_all(page, panel)
    max_imgs, drawings = live.evaluate("() => [window.__live.maxImgs, window.__live.srcs.size]")
    final = live.locator(".jp-OutputArea-output img").count()
    assert final == 1, f"the live plot ended with {final} figures, expected exactly 1"
    assert max_imgs == 1, f"the live plot showed {max_imgs} figures at once: it should redraw one output in place"
    assert drawings >= 2, f"the live plot was drawn {drawings} time(s): it did not update during training"
    assert_clean(recorder)


def test_a_chinese_notebook_opens_and_its_first_cells_run(page, lab, recorder):
    panel = open_notebook(page, lab, "zh/01_softmax_theory.ipynb")
    prose = " ".join(panel.locator(".jp-MarkdownOutput").all_text_contents())
    assert "交叉熵" in prose and "先修内容" in prose, "the Chinese prose is not rendered"
    panel.locator(".jp-Cell").first.click()  # command mode on the first cell; Shift+Enter runs and moves on
    for _ in range(40):
        page.keyboard.press("Shift+Enter")
        ran = [c for c in panel.evaluate(CELL_STATE) if re.fullmatch(r"\[\d+\]:", c["prompt"].strip())]
        if len(ran) >= 3:
            break
    wait_idle(page)
    cells = panel.evaluate(CELL_STATE)
    ran = [c for c in cells if re.fullmatch(r"\[\d+\]:", c["prompt"].strip())]
    assert len(ran) >= 3, f"only {len(ran)} code cells ran: {[c['prompt'] for c in cells[:6]]}"
    assert not [c["errors"] for c in cells if c["errors"]], "a Chinese notebook's first cells wrote to stderr"
    assert_clean(recorder)
