"""The website (build/html, made by `make html`) in headless Chromium, served on 127.0.0.1.

Every page: it loads, no console error or uncaught exception, no request leaves 127.0.0.1 and none
fails, every image has loaded (naturalWidth > 0), every formula is typeset by the site's own MathJax
(no raw $$ or \\frac left in the text), every internal link and #anchor resolves. Notebook pages also:
a download link serving the committed .ipynb, an "open in Colab" link, and every nbgrader solution
collapsed behind "Show solution", every committed figure shown, no widget shown as text.
Then: search finds the theory notebook, and a page works from file://.
Accessibility: every content image has a real description as its alt (words, not a file name; a notebook's
figures exactly their cells' metadata.d2lmini.alt), every formula has a MathML copy for screen readers, and
axe-core finds no WCAG 2.1 A/AA violation on any page of either language.
"""
import json
import re
import time
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "html"

pytestmark = pytest.mark.usefixtures("chromium_path")

PAGES = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html")  # both languages: zh/ holds the Chinese site
               if not {"_static", "_sources", "_images"} & set(p.relative_to(SITE).parts)) if SITE.is_dir() else []
NOTEBOOKS = {p.stem: p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}

WAIT_FOR_MATHJAX = """async () => {
    const maths = document.querySelectorAll('.math');
    if (!maths.length) return [0, 0];
    const t0 = Date.now();
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
        if (Date.now() - t0 > 60000) return [maths.length, -1];
        await new Promise(r => setTimeout(r, 100));
    }
    await MathJax.startup.promise;
    const typeset = [...maths].filter(m => m.querySelector('mjx-container')).length;
    return [maths.length, typeset];
}"""

LOAD_ALL_IMAGES = """async () => {
    const imgs = [...document.images];
    imgs.forEach(i => { i.loading = 'eager'; });
    await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
    return imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src').slice(0, 120));
}"""

# the text a reader sees as prose: code, outputs and typeset maths left out
PROSE_TEXT = """() => {
    const body = document.querySelector('main') || document.body;
    const clone = body.cloneNode(true);
    clone.querySelectorAll('pre, code, script, style, mjx-container, textarea, .highlight, .output')
         .forEach(e => e.remove());
    return clone.textContent;
}"""

LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => a.href)"""

# the page's own images, not the theme's (the Colab logo of the launch menu) or Sphinx's (the module index's
# +/- togglers): [src, alt or null]
CONTENT_IMAGES = """() => [...document.querySelectorAll('article.bd-article img:not(.toggler)')]
    .map(i => [i.getAttribute('src'), i.getAttribute('alt')])"""
NOTEBOOK_FIGURES = """() => [...document.querySelectorAll('.cell_output img')].map(i => i.getAttribute('alt'))"""

# what a screen reader gets for each formula: MathJax's assistive MathML, outside aria-hidden
ASSISTIVE_MATHML = """() => [...document.querySelectorAll('mjx-container')].map((c, i) => {
    const mml = c.querySelector('mjx-assistive-mml math');
    const hidden = mml && mml.closest('[aria-hidden="true"]');
    return mml && !hidden && mml.children.length > 0 && mml.textContent.trim() ? '' : `formula ${i + 1}`;
})"""

CJK = re.compile(r"[\u4e00-\u9fff]")
FILE_NAME = re.compile(r"\.(png|jpe?g|svg|gif|webp)\b|[0-9a-f]{16,}|^[\w./-]+$", re.I)


def alt_problem(alt, chinese):
    """Why an image's alt text is no description ('' when it is one): empty, a file name, too short."""
    alt = (alt or "").strip()
    if not alt:
        return "no alt text"
    if FILE_NAME.search(alt):
        return f"alt text is a file name or hash: {alt[:60]!r}"
    if chinese and len(CJK.findall(alt)) < 10:
        return f"alt text has under 10 Chinese characters: {alt!r}"
    if not chinese and len(alt.split()) < 5:
        return f"alt text has under 5 words: {alt!r}"
    return ""


def cell_descriptions(cells):
    """The alt each figure of a notebook should have, in page order: its cell's metadata.d2lmini.alt."""
    return [(c.get("metadata", {}).get("d2lmini", {}).get("alt") or "").strip()
            for c in cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


class Site:
    """Fetches and caches the served pages, for link and anchor checks."""

    def __init__(self, request_context, base):
        self.request, self.base, self.cache = request_context, base, {}

    def get(self, url):
        if url not in self.cache:
            response = self.request.get(url)
            body = response.text() if response.ok and url.endswith((".html", "/")) else ""
            self.cache[url] = (response.status, set(re.findall(r'\bid="([^"]+)"', body)))
        return self.cache[url]


@pytest.fixture(scope="module")
def site(browser, site_url):
    context = browser.new_context()
    yield Site(context.request, site_url)
    context.close()


def _open(page, url):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


@pytest.mark.skipif(not PAGES, reason="no site in build/html: run `make html`")
@pytest.mark.parametrize("name", PAGES or ["missing"])
def test_page(name, page, recorder, site, site_url):
    url = f"{site_url}/{name}"
    _open(page, url)
    problems = []

    maths, typeset = page.evaluate(WAIT_FOR_MATHJAX)
    if typeset != maths:
        problems.append(f"{maths} formulas, {typeset} typeset by MathJax")
    prose = page.evaluate(PROSE_TEXT)
    for raw in ("$$", "\\frac", "\\begin{"):
        if raw in prose:
            i = prose.index(raw)
            problems.append(f"raw TeX {raw!r} in the text: ...{prose[max(0, i - 60):i + 60]!r}...")

    broken_images = page.evaluate(LOAD_ALL_IMAGES)
    problems += [f"image not loaded: {src}" for src in broken_images]
    chinese = name.startswith("zh/")
    for src, alt in page.evaluate(CONTENT_IMAGES):
        why = alt_problem(alt, chinese)
        if why:
            problems.append(f"image {src.rsplit('/', 1)[-1][:20]}: {why}")
    if maths:
        unread = [t for t in page.evaluate(ASSISTIVE_MATHML) if t]
        if unread:
            problems.append(f"{len(unread)} of {maths} formulas without assistive MathML ({', '.join(unread[:3])})")

    for href in sorted(set(page.evaluate(LINKS))):
        target, fragment = urldefrag(href)
        if urlsplit(target).netloc != urlsplit(site_url).netloc or href.startswith("javascript:"):
            continue
        status, ids = site.get(target)
        if status != 200:
            problems.append(f"link to {href}: HTTP {status}")
        elif fragment and target.endswith(".html") and fragment not in ids:
            problems.append(f"link to {href}: no element with id {fragment!r}")

    source = ROOT / "notebooks" / Path(name).with_suffix(".ipynb")  # zh/03_x.html: notebooks/zh/03_x.ipynb
    if Path(name).stem in NOTEBOOKS and source.exists():
        problems += _notebook_page_problems(page, source, url)

    page.wait_for_load_state("networkidle")
    problems += [f"console error: {e}" for e in recorder.console_errors]
    problems += [f"uncaught exception: {e}" for e in recorder.page_errors]
    problems += [f"request left 127.0.0.1: {u}" for u in recorder.outside]
    problems += [f"request failed: {u}" for u in recorder.failed]
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


def _notebook_page_problems(page, source, url):
    hrefs, stem = page.evaluate(LINKS), source.stem
    committed = source.relative_to(ROOT)
    download = urljoin(url, f"_sources/{stem}.ipynb")
    if download not in hrefs:
        return [f"no download link to {download}"]
    served = page.request.get(download)
    if not served.ok:
        return [f"download link {download}: HTTP {served.status}"]
    if json.loads(served.text()) != json.loads(source.read_text(encoding="utf-8")):
        # make html copies each notebook there as it is: a difference means the site is older
        return [f"the site's copy of {committed} differs from it: run `make html` (make test-browser does)"]
    problems = []
    colab = "https://colab.research.google.com/github/"
    if not any(h.startswith(colab) and h.endswith(f"/{committed}") for h in hrefs):
        problems.append("no 'open in Colab' link to this notebook")

    # every figure the committed notebook holds is on the page (notebook 11: its static fallbacks)
    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    figures = sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))
    shown = page.locator(".cell_output img").count()
    if shown != figures:
        problems.append(f"{figures} figures in the notebook, {shown} on the page")
    else:  # each figure's alt is its cell's description (docs/build.py copies it into mystnb.image.alt)
        for i, (want, got) in enumerate(zip(cell_descriptions(cells), page.evaluate(NOTEBOOK_FIGURES)), 1):
            if (got or "").strip() != want:
                problems.append(f"figure {i}: alt {(got or '')[:50]!r} is not its cell's description {want[:50]!r}")

    # widget outputs: the static fallbacks show, never a widget's text repr or an error
    widget_text = page.evaluate("""() => [...document.querySelectorAll('.cell_output pre')]
        .map(p => p.textContent).filter(t => /^\\s*(VBox|HBox|Box|Button|\\w*Slider|Output)\\(|Error displaying widget/
        .test(t)).map(t => t.slice(0, 80))""")
    problems += [f"widget shown as text: {t!r}" for t in widget_text]

    # nbgrader solutions and model answers: each behind a closed "Show solution" toggle
    solutions = sum(bool(c.get("metadata", {}).get("nbgrader", {}).get("solution")) for c in cells)
    toggles = page.locator("details", has=page.locator("summary", has_text=re.compile("show solution", re.I)))
    if toggles.count() != solutions:
        problems.append(f"{solutions} solution cells in the notebook, {toggles.count()} 'Show solution' toggles")
    if solutions and toggles.count():
        opened = page.evaluate("""() => [...document.querySelectorAll('details')]
            .filter(d => /show solution/i.test(d.querySelector('summary').textContent) && d.open).length""")
        if opened:
            problems.append(f"{opened} solutions shown open")
        first = toggles.first
        first.locator("summary").click()
        if not first.evaluate("d => d.open"):
            problems.append("clicking 'Show solution' does not open it")
    return problems


@pytest.mark.skipif(not PAGES, reason="no site in build/html: run `make html`")
def test_search_finds_the_theory_notebook(page, recorder, site_url):
    _open(page, f"{site_url}/search.html?q=softmax")
    results = page.locator("#search-results a[href*='01_softmax_theory']")
    results.first.wait_for(state="attached")
    assert not recorder.outside and not recorder.page_errors and not recorder.console_errors


@pytest.mark.skipif(not PAGES, reason="no site in build/html: run `make html`")
@pytest.mark.parametrize(("query", "lesson"), [("交叉熵", "01_softmax_theory"),
                                               ("标签平滑", "09_training_optimization")])
def test_chinese_search_finds_chinese_words(query, lesson, page, recorder, site_url):
    _open(page, f"{site_url}/zh/search.html?q={query}")
    page.locator(f"#search-results a[href*='{lesson}']").first.wait_for(state="attached")
    assert not recorder.outside and not recorder.page_errors and not recorder.console_errors


@pytest.mark.skipif(not PAGES, reason="no site in build/html: run `make html`")
def test_language_switch_leads_to_the_same_page_both_ways(page, recorder, site_url):
    _open(page, f"{site_url}/03_softmax_scratch.html")
    page.locator("p.language-switch a", has_text="中文").click()
    page.wait_for_url(f"{site_url}/zh/03_softmax_scratch.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").first.text_content().startswith("03.")
    page.locator("p.language-switch a", has_text="English").click()
    page.wait_for_url(f"{site_url}/03_softmax_scratch.html")
    assert page.locator("html").get_attribute("lang") == "en"
    assert not recorder.outside and not recorder.page_errors and not recorder.console_errors


@pytest.mark.skipif(not PAGES, reason="no site in build/html: run `make html`")
def test_a_file_copy_works_offline(page, recorder):
    # opened from disk: the maths is typeset by the copy of MathJax inside the site, nothing is fetched
    theory = sorted(SITE.glob("01_*.html"))[0]
    page.goto(theory.as_uri(), wait_until="load")
    maths, typeset = page.evaluate(WAIT_FOR_MATHJAX)
    assert maths > 0 and typeset == maths, f"{maths} formulas, {typeset} typeset"
    assert page.evaluate(LOAD_ALL_IMAGES) == []
    assert not recorder.outside, recorder.outside


AXE_TABS = 4  # pages checked at once: axe's colour-contrast check takes seconds on a long notebook page
# The Chinese pages share the English pages' theme, stylesheet, code colours and outputs: colour contrast is
# checked on every English page and on this sample of Chinese ones, every other rule on every page.
ZH_CONTRAST_SAMPLE = {"zh/index.html", "zh/01_softmax_theory.html", "zh/06_evaluation_calibration.html", "zh/api.html"}


@pytest.mark.skipif(not PAGES, reason="no site in build/html: run `make html`")
def test_every_page_passes_axe(axe, context, site_url):
    # One browser context; a few tabs run axe at the same time (each tab its own renderer process), formulas
    # typeset first, since axe must judge what MathJax puts on the page. A tab takes the next page as soon
    # as its own is done.
    def begin(name, tab):
        _open(tab, f"{site_url}/{name}")
        tab.evaluate(WAIT_FOR_MATHJAX)
        same_colours = name.startswith("zh/") and name not in ZH_CONTRAST_SAMPLE
        axe.start(tab, skip_rules=["color-contrast"] if same_colours else ())
        return name, tab

    waiting, found, t0 = list(PAGES), {}, time.monotonic()
    running = [begin(waiting.pop(0), context.new_page()) for _ in range(min(AXE_TABS, len(waiting)))]
    while running:
        name, tab = running.pop(0)
        violations = axe.result(tab)
        if violations:
            found[name] = violations
        if waiting:
            running.append(begin(waiting.pop(0), tab))
    seconds = time.monotonic() - t0
    print(f"axe-core on {len(PAGES)} pages, {AXE_TABS} tabs: {seconds:.0f} s")
    assert not found, f"WCAG 2.1 A/AA violations on {len(found)} of {len(PAGES)} pages:\n" + "\n".join(
        f"{name}:\n  {axe.format(v)}" for name, v in found.items())


DARK_SAMPLE = ["index.html", "06_evaluation_calibration.html", "_modules/d2lmini/plot.html", "zh/index.html"]


@pytest.mark.skipif(not PAGES, reason="no site in build/html: run `make html`")
def test_dark_mode_passes_axe(axe, browser, site_url):
    # the theme follows the reader's system setting ("auto"): its dark colours must pass too (a sample)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page, found = context.new_page(), {}
        for name in DARK_SAMPLE:
            _open(page, f"{site_url}/{name}")
            page.evaluate(WAIT_FOR_MATHJAX)
            assert page.locator("html").get_attribute("data-theme") == "dark", f"{name} is not in dark mode"
            violations = axe(page)
            if violations:
                found[name] = violations
    finally:
        context.close()
    assert not found, "WCAG 2.1 A/AA violations in dark mode:\n" + "\n".join(
        f"{name}:\n  {axe.format(v)}" for name, v in found.items())
