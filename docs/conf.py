"""Sphinx configuration of the d2lmini website (built by `make html`, see docs/build.py).

docs/build.py stages these files together with the notebooks into build/site-src/ and runs Sphinx
there, so paths below are relative to that staging folder.
"""
import importlib.util
import os
import re

# The one place that names the repository: the "open in Colab" links and the repository button use it.
REPOSITORY_URL = "https://github.com/d2lmini/d2lmini"
REPOSITORY_BRANCH = "main"

project = "d2lmini"
author = "the d2lmini authors"
copyright = "the d2lmini authors"
# docs/build.py builds the site twice: English into build/html/, Chinese (notebooks/zh) into build/html/zh/.
language = os.environ.get("D2LMINI_SITE_LANGUAGE", "en")
CHINESE = language == "zh_CN"
if CHINESE:  # split Chinese text into words for search, with the glossary's terms as whole words
    html_search_language = "zh"
    html_search_options = {"dict": os.path.join(os.path.dirname(os.path.abspath(__file__)), "jieba-dict.txt")}

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]

# Render the committed outputs: strict nbval already proves they are what the code prints.
nb_execution_mode = "off"
# No require.js / widget embedder from a CDN, even if a notebook ever saves widget state.
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "**.ipynb_checkpoints", "_notebook_map.md"]
suppress_warnings = ["mystnb.unknown_mime_type"]

# MathJax 3 served from the site itself (docs/build.py copies it from the npm package `mathjax`).
mathjax_path = "mathjax/tex-chtml.js"
# Assistive MathML (MathJax's a11y/assistive-mml, inside tex-chtml.js): each formula carries a hidden <math>
# copy that screen readers read; the visual glyphs are aria-hidden. On by default, set here so a reader's
# menu settings or a MathJax upgrade cannot silently turn it off.
mathjax3_config = {"options": {"enableMenu": True, "enableAssistiveMml": True,
                               "menuOptions": {"settings": {"assistiveMml": True}}}}

html_theme = "sphinx_book_theme"
html_title = "d2lmini: softmax regression from first principles"
html_static_path = ["_static"]
templates_path = ["_templates"]  # search-button-field.html (a theme component): the search button named by its text
html_css_files = ["d2lmini.css"]
html_last_updated_fmt = None
html_show_sourcelink = True
html_copy_source = True
html_sourcelink_suffix = ""  # _sources/<name>.ipynb is the notebook itself, for the download button
# "auto" (follow the reader's system) set explicitly: with no mode the theme logs a console error.
html_context = {"default_mode": "auto"}
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": REPOSITORY_BRANCH,
    "path_to_docs": "notebooks",
    "use_download_button": True,
    "use_repository_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {"colab_url": "https://colab.research.google.com", "notebook_interface": "jupyterlab"},
    "show_toc_level": 2,
    "navigation_with_keys": False,
}

# API reference from the docstrings. Without torch in the environment, mock it instead of failing.
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_mock_imports = [m for m in ("torch", "torchvision", "matplotlib", "numpy", "tqdm")
                        if importlib.util.find_spec(m) is None]

_ABS_BARS = re.compile(r"(?<![\\|])\|([^|\n]+)\|(?!\|)")


def _escape_bars(app, what, name, obj, options, lines):
    # Docstrings are plain text: a pair of bars such as |accuracy - confidence| is an absolute value,
    # not a reStructuredText substitution reference. Escape the bars (tables start with "+" or "=").
    for i, line in enumerate(lines):
        if not line.lstrip().startswith(("|", "+", "=")):
            lines[i] = _ABS_BARS.sub(r"\\|\1\\|", line)


def _colab_url(pagename):
    github = REPOSITORY_URL.removeprefix("https://github.com/")
    folder = "notebooks/zh" if CHINESE else "notebooks"
    return f"https://colab.research.google.com/github/{github}/blob/{REPOSITORY_BRANCH}/{folder}/{pagename}.ipynb"


# the same page in the other language: English pages live at the root, Chinese ones under zh/
LANGUAGE_SWITCH = ('<p class="language-switch"><a class="reference internal" lang="{lang}" hreflang="{lang}" '
                   'href="{href}">{label}</a></p>')


def _language_switch(pagename):
    depth = pagename.count("/")
    up = "../" * depth
    if CHINESE:
        return LANGUAGE_SWITCH.format(lang="en", href=f"../{up}{pagename}.html", label="English")
    return LANGUAGE_SWITCH.format(lang="zh-CN", href=f"{up}zh/{pagename}.html", label="中文")


# MyST-NB names every hide-input toggle "Toggle hidden content" while it shows "Show solution": a screen
# reader user who says "click Show solution" finds nothing (WCAG 2.5.3). Without the label, its name is its text.
_TOGGLE_LABEL = '<summary aria-label="Toggle hidden content">'


def _notebook_links(app, pagename, templatename, context, doctree):
    # A visible "download / open in Colab" line under each notebook page's title (the theme's header
    # buttons offer the same, inside drop-down menus).
    if "body" not in context:
        return
    context["body"] = context["body"].replace(_TOGGLE_LABEL, "<summary>")
    switch = _language_switch(pagename)
    if context.get("page_source_suffix") != ".ipynb":
        context["body"] = switch + context["body"]
        return
    download, colab = ("下载本 notebook（.ipynb）", "在 Colab 中打开") if CHINESE else \
        ("Download this notebook (.ipynb)", "Open in Colab")
    links = (f'{switch}<p class="notebook-links">'
             f'<a class="reference download" href="{context["pathto"]("_sources/" + pagename + ".ipynb", 1)}" '
             f'download>{download}</a> · '
             f'<a class="reference external" href="{_colab_url(pagename)}">{colab}</a></p>')
    body = context["body"]
    end = body.find("</h1>")
    context["body"] = body[:end + 5] + links + body[end + 5:] if end >= 0 else links + body


def _chinese_search():
    """Sphinx 9.0's Chinese search names its stemmer ChineseStemmer but ships the English one: a JS error."""
    from sphinx.search.zh import SearchChinese

    class ChineseSearchWithEnglishStemmer(SearchChinese):
        language_name = "English"  # window.Stemmer = EnglishStemmer, the stemmer the page really has

    return ChineseSearchWithEnglishStemmer


def setup(app):
    if CHINESE:
        app.add_search_language(_chinese_search())
    app.connect("autodoc-process-docstring", _escape_bars)
    app.connect("html-page-context", _notebook_links)
