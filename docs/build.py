"""Build the d2lmini website: `make html` runs this (python docs/build.py).

1. Stage docs/ and copies of notebooks/ into build/site-src/ (the repository is never written).
   In the copies, nbgrader solution cells and model answers are collapsed behind "Show solution", and each
   figure's description (cell metadata d2lmini.alt) becomes its image's alt text (MyST-NB's mystnb.image.alt).
2. Put MathJax 3 (npm package `mathjax`, pinned below) into the staged _static/, so that the site
   needs no CDN: it is fetched once from the npm registry into build/cache/ and checked by its hash.
3. Run Sphinx (MyST-NB renders the committed outputs, nothing is executed) into build/html/, and make
   each page's "download .ipynb" link serve the notebook exactly as committed.
4. The same for the Chinese edition (notebooks/zh, docs/zh/index.md) into build/html/zh/, with Sphinx's
   language zh_CN and a search index split into words by jieba, the glossary's terms kept whole.
"""
import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
STAGE = BUILD / "site-src"
OUT = BUILD / "html"
CACHE = BUILD / "cache"
GLOSSARY = ROOT / "locale" / "zh_CN" / "glossary.tsv"


@dataclass(frozen=True)
class Edition:
    """One language of the site: where its notebooks and landing page come from, where it is staged and built."""

    language: str
    notebooks: Path
    stage: Path
    out: Path
    landing: Path  # the folder of docs/ whose index.md is this edition's home page


ENGLISH = Edition("en", NOTEBOOKS, STAGE, OUT, DOCS)
CHINESE = Edition("zh_CN", NOTEBOOKS / "zh", BUILD / "site-src-zh", OUT / "zh", DOCS / "zh")

MATHJAX_VERSION = "3.2.2"
MATHJAX_TARBALL = f"https://registry.npmjs.org/mathjax/-/mathjax-{MATHJAX_VERSION}.tgz"
MATHJAX_INTEGRITY = "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
# The part of the package the pages use: the TeX-to-HTML bundle, its fonts, and what it loads on demand
# (TeX extensions, the right-click menu, accessibility, speech rules).
MATHJAX_PARTS = ["tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "ui", "a11y", "sre"]

SOLUTION_LABEL = "Show solution"
HIDE_LABEL = "Hide solution"


HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)


def _text(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def is_solution(cell):
    """An nbgrader solution cell (code) or model answer (markdown): shown collapsed on the site."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def collapse_solutions(nb):
    """Mark solution cells of a notebook (a dict as in the .ipynb file) so the site shows them collapsed.

    Code: MyST-NB's `hide-input` tag with a "Show solution" label (the output, if any, stays visible).
    Markdown: the model answer wrapped in a <details> element. Hidden tests are removed from test cells.
    Returns the number of cells collapsed.
    """
    count = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "### BEGIN HIDDEN TESTS" in _text(cell):
            # hidden tests stay hidden, as in nbgrader's student edition
            cell["source"] = HIDDEN_TESTS.sub("", _text(cell)).rstrip() + "\n"
        if not is_solution(cell):
            continue
        count += 1
        meta = cell.setdefault("metadata", {})
        if cell["cell_type"] == "code":
            tags = meta.setdefault("tags", [])
            if "hide-input" not in tags:
                tags.append("hide-input")
            meta.setdefault("mystnb", {}).update(code_prompt_show=SOLUTION_LABEL, code_prompt_hide=HIDE_LABEL)
        else:
            cell["source"] = (f'<details class="solution">\n<summary>{SOLUTION_LABEL}</summary>\n\n'
                              f"{_text(cell).strip()}\n\n</details>\n")
    return count


def figure_alt(cell):
    """The description of the figure a code cell shows (cell metadata d2lmini.alt), or None."""
    alt = cell.get("metadata", {}).get("d2lmini", {}).get("alt")
    return alt.strip() if isinstance(alt, str) and alt.strip() else None


def describe_figures(nb):
    """Give each described cell's images their alt text on the site; returns the number of cells.

    MyST-NB 1.4 reads an image's alt only from the cell-level option mystnb.image.alt (it ignores the
    output's metadata), so the staged copy carries the description there too.
    """
    count = 0
    for cell in nb["cells"]:
        alt = figure_alt(cell) if cell["cell_type"] == "code" else None
        if alt:
            cell["metadata"].setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
            count += 1
    return count


def read_notebook(path):
    """A notebook file as a dict; a file that is not one ends the build with one line naming it."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        sys.exit(f"{path}: not a notebook (not UTF-8 text)")
    except json.JSONDecodeError as err:
        sys.exit(f"{path}: not a notebook (invalid JSON at line {err.lineno}, column {err.colno}: {err.msg})")
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        sys.exit(f"{path}: not a notebook (no list of cells)")
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or "cell_type" not in cell or "source" not in cell:
            sys.exit(f"{path}: not a notebook (cell {i} has no cell_type or source)")
    return nb


def header_facts(nb):
    """(title, prerequisites, time in class) from a notebook's first markdown cell; '' where absent."""
    first = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    text = "".join(first["source"]) if first else ""
    title = re.search(r"^#\s+(.+)$", text, re.M)
    prereq = re.search(r"\*\*(?:Prerequisites:|先修内容：)\*\*\s*(.+?)(?:\s+·\s+|\n|$)", text)
    minutes = re.search(r"\*\*(?:Time in class:|课堂时间：)\*\*\s*(.+?)\s*$", text, re.M)
    return (title.group(1).strip() if title else "",
            prereq.group(1).strip() if prereq else "",
            minutes.group(1).strip() if minutes else "")


def notebook_map(paths, language="en"):
    head = "| notebook | 先修内容 | 课堂时间 |" if language == "zh_CN" else \
        "| notebook | prerequisites | time in class |"
    rows = [head, "|---|---|---|"]
    for path in paths:
        title, prereq, minutes = header_facts(read_notebook(path))
        cell = lambda s: s.replace("|", "\\|")  # noqa: E731
        rows.append(f"| [{cell(title or path.stem)}]({path.name}) | {cell(prereq)} | {cell(minutes)} |")
    return "\n".join(rows) + "\n"


def write_if_changed(path, data):
    # unchanged files keep their time stamp, so Sphinx rebuilds only the pages that changed
    data = data.encode() if isinstance(data, str) else data
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def docs_files(edition):
    """(source, staged name) of the docs/ files an edition uses: its own landing folder over the shared files."""
    shared = {src.relative_to(DOCS): src for src in DOCS.rglob("*")
              if src.is_file() and src.name not in ("build.py", "constraints.txt") and "__pycache__" not in src.parts
              and src.relative_to(DOCS).parts[0] != "zh"}
    own = {src.relative_to(edition.landing): src for src in edition.landing.glob("*.md")} \
        if edition.landing != DOCS else {}
    return {**shared, **own}


def jieba_dictionary():
    """The glossary's Chinese terms as a jieba user dictionary, so that search finds 交叉熵 as one word."""
    terms = [line.split("\t")[1] for line in GLOSSARY.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return "".join(f"{term.replace(' ', '')} 100000 n\n" for term in terms)


def stage(edition):
    notebooks = sorted(edition.notebooks.glob("[0-9][0-9]_*.ipynb"))
    wanted = set()
    for name, src in docs_files(edition).items():
        dst = edition.stage / name
        write_if_changed(dst, src.read_bytes())
        wanted.add(dst)
    collapsed = 0
    for src in notebooks:
        nb = read_notebook(src)
        collapsed += collapse_solutions(nb)
        describe_figures(nb)
        dst = edition.stage / src.name
        write_if_changed(dst, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        wanted.add(dst)
    generated = {"_notebook_map.md": notebook_map(notebooks, edition.language)}
    if edition.language == "zh_CN":
        generated["jieba-dict.txt"] = jieba_dictionary()
    for name, text in generated.items():
        write_if_changed(edition.stage / name, text)
        wanted.add(edition.stage / name)
    for old in edition.stage.rglob("*"):  # drop what no longer exists (a renamed notebook), keep MathJax
        if old.is_file() and old not in wanted and "mathjax" not in old.relative_to(edition.stage).parts:
            old.unlink()
    return notebooks, collapsed


def fetch_mathjax(tarball):
    """The pinned package from the npm registry (through npm when installed), checked against its hash."""
    CACHE.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    try:
        if npm:  # npm honours the user's registry settings (a mirror, a proxy)
            subprocess.run([npm, "pack", "--silent", f"mathjax@{MATHJAX_VERSION}", "--pack-destination", str(CACHE)],
                           check=True, stdout=subprocess.DEVNULL)
        else:
            with urllib.request.urlopen(MATHJAX_TARBALL, timeout=120) as response:
                tarball.write_bytes(response.read())
    except (OSError, subprocess.CalledProcessError) as err:
        sys.exit(f"make html needs MathJax {MATHJAX_VERSION} from the npm registry once ({err}); "
                 f"or put {MATHJAX_TARBALL} into {CACHE}/")
    if not tarball_is_sound(tarball):
        tarball.unlink(missing_ok=True)
        sys.exit(f"{tarball.name}: the download does not match the registry's sha512; removed it, try again")


def tarball_is_sound(tarball):
    """True when the cached MathJax package is complete: its sha512 is the registry's."""
    try:
        digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    except OSError:
        return False
    return f"sha512-{digest}" == MATHJAX_INTEGRITY


def mathjax(edition):
    """Copy MathJax into the staged _static/mathjax/, fetching the pinned npm package once."""
    target = edition.stage / "_static" / "mathjax"
    stamp = target / f".version-{MATHJAX_VERSION}"
    if stamp.exists():
        return
    tarball = CACHE / f"mathjax-{MATHJAX_VERSION}.tgz"
    if tarball.exists() and not tarball_is_sound(tarball):  # e.g. truncated by an interrupted download
        print(f"{tarball}: damaged (sha512 mismatch); fetching it again", file=sys.stderr)
        tarball.unlink()
    if not tarball.exists():
        fetch_mathjax(tarball)
    shutil.rmtree(target, ignore_errors=True)
    prefixes = tuple(f"package/es5/{part}" for part in MATHJAX_PARTS)
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and
                   (m.name.startswith(prefixes) or m.name == "package/LICENSE")]
        for m in members:
            rel = m.name.removeprefix("package/es5/").removeprefix("package/")
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(tar.extractfile(m).read())
    target.mkdir(parents=True, exist_ok=True)
    stamp.write_text("")


def sphinx(edition, strict):
    # viewcode skips a module page that is newer than the module, even when the templates changed
    shutil.rmtree(edition.out / "_modules", ignore_errors=True)
    doctrees = BUILD / ("doctrees" if edition.language == "en" else f"doctrees-{edition.language}")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "1", "--keep-going",
           "-d", str(doctrees), str(edition.stage), str(edition.out)]
    if strict:
        cmd.insert(4, "-W")
    env = {**os.environ, "D2LMINI_SITE_LANGUAGE": edition.language}
    subprocess.run(cmd, check=True, cwd=BUILD, env=env)


def build(edition, strict):
    """Stage and build one edition; returns (notebooks, solutions collapsed)."""
    notebooks, collapsed = stage(edition)
    mathjax(edition)
    try:
        sphinx(edition, strict)
    except subprocess.CalledProcessError as err:
        sys.exit(f"sphinx-build ({edition.language}) failed (exit status {err.returncode})")
    for src in notebooks:  # the download link serves the notebook as committed, not the staged copy
        shutil.copyfile(src, edition.out / "_sources" / src.name)
    return notebooks, collapsed


def main(argv=None):
    try:
        build_site(argv)
    except KeyboardInterrupt:
        sys.stderr.write("make html: interrupted; run it again to finish (what was built is reused)\n")
        raise SystemExit(130) from None


def build_site(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="turn Sphinx warnings into errors")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    notebooks, collapsed = build(ENGLISH, args.strict)
    chinese, _ = build(CHINESE, args.strict)
    notebooks += chinese
    pages = [p for p in OUT.rglob("*.html") if p.relative_to(OUT).parts[0] != "_static"]
    sources = sum(p.relative_to(OUT).parts[0] == "_modules" for p in pages)
    print(f"website: {len(pages)} pages ({len(notebooks)} notebooks, {sources} of source code, "
          f"{collapsed} solutions collapsed) in "
          f"{OUT.relative_to(ROOT)}/index.html, built in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
