"""Build the d2lmini website: `make html` runs this (python docs/build.py).

1. Stage docs/ and copies of notebooks/ into build/site-src/ (the repository is never written).
   In the copies, nbgrader solution cells and model answers are collapsed behind "Show solution".
2. Put MathJax 3 (npm package `mathjax`, pinned below) into the staged _static/, so that the site
   needs no CDN: it is fetched once from the npm registry into build/cache/ and checked by its hash.
3. Run Sphinx (MyST-NB renders the committed outputs, nothing is executed) into build/html/, and make
   each page's "download .ipynb" link serve the notebook exactly as committed.
"""
import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
STAGE = BUILD / "site-src"
OUT = BUILD / "html"
CACHE = BUILD / "cache"

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


def header_facts(nb):
    """(title, prerequisites, time in class) from a notebook's first markdown cell; '' where absent."""
    first = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    text = "".join(first["source"]) if first else ""
    title = re.search(r"^#\s+(.+)$", text, re.M)
    prereq = re.search(r"\*\*Prerequisites:\*\*\s*(.+?)(?:\s+·\s+|\n|$)", text)
    minutes = re.search(r"\*\*Time in class:\*\*\s*(.+?)\s*$", text, re.M)
    return (title.group(1).strip() if title else "",
            prereq.group(1).strip() if prereq else "",
            minutes.group(1).strip() if minutes else "")


def notebook_map(paths):
    rows = ["| notebook | prerequisites | time in class |", "|---|---|---|"]
    for path in paths:
        title, prereq, minutes = header_facts(json.loads(path.read_text()))
        cell = lambda s: s.replace("|", "\\|")  # noqa: E731
        rows.append(f"| [{cell(title or path.stem)}]({path.name}) | {cell(prereq)} | {cell(minutes)} |")
    return "\n".join(rows) + "\n"


def write_if_changed(path, data):
    # unchanged files keep their time stamp, so Sphinx rebuilds only the pages that changed
    data = data.encode() if isinstance(data, str) else data
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def stage():
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    wanted = set()
    for src in DOCS.rglob("*"):
        if src.is_file() and src.name not in ("build.py", "constraints.txt") and "__pycache__" not in src.parts:
            dst = STAGE / src.relative_to(DOCS)
            write_if_changed(dst, src.read_bytes())
            wanted.add(dst)
    collapsed = 0
    for src in notebooks:
        nb = json.loads(src.read_text())
        collapsed += collapse_solutions(nb)
        dst = STAGE / src.name
        write_if_changed(dst, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        wanted.add(dst)
    write_if_changed(STAGE / "_notebook_map.md", notebook_map(notebooks))
    wanted.add(STAGE / "_notebook_map.md")
    for old in STAGE.rglob("*"):  # drop what no longer exists (a renamed notebook), keep MathJax
        if old.is_file() and old not in wanted and "mathjax" not in old.relative_to(STAGE).parts:
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
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != MATHJAX_INTEGRITY:
        tarball.unlink()
        sys.exit(f"{tarball.name}: the download does not match the registry's sha512; removed it, try again")


def mathjax():
    """Copy MathJax into the staged _static/mathjax/, fetching the pinned npm package once."""
    target = STAGE / "_static" / "mathjax"
    stamp = target / f".version-{MATHJAX_VERSION}"
    if stamp.exists():
        return
    tarball = CACHE / f"mathjax-{MATHJAX_VERSION}.tgz"
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
    stamp.write_text("")


def sphinx(strict):
    # viewcode skips a module page that is newer than the module, even when the templates changed
    shutil.rmtree(OUT / "_modules", ignore_errors=True)
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "1", "--keep-going",
           "-d", str(BUILD / "doctrees"), str(STAGE), str(OUT)]
    if strict:
        cmd.insert(4, "-W")
    subprocess.run(cmd, check=True, cwd=BUILD)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="turn Sphinx warnings into errors")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    notebooks, collapsed = stage()
    mathjax()
    try:
        sphinx(args.strict)
    except subprocess.CalledProcessError as err:
        sys.exit(f"sphinx-build failed (exit status {err.returncode})")
    for src in notebooks:  # the download link serves the notebook as committed, not the staged copy
        shutil.copyfile(src, OUT / "_sources" / src.name)
    pages = [p for p in OUT.rglob("*.html") if p.relative_to(OUT).parts[0] != "_static"]
    sources = sum(p.relative_to(OUT).parts[0] == "_modules" for p in pages)
    print(f"website: {len(pages)} pages ({len(notebooks)} notebooks, {sources} of source code, "
          f"{collapsed} solutions collapsed) in "
          f"{OUT.relative_to(ROOT)}/index.html, built in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
