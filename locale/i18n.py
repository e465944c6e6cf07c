"""The Chinese edition, built from one source: the English notebooks plus gettext catalogs.

    python locale/i18n.py update   English messages into locale/zh_CN/<lesson>.po (a changed one turns fuzzy)
    python locale/i18n.py build    write notebooks/zh/<lesson>.ipynb from the English notebook and its catalog
    python locale/i18n.py check    list untranslated, fuzzy and stale messages and drifted notebooks; exit 1 if any

A message is a paragraph of a Markdown cell, or a run of full-line comments in a code cell that is not an
nbgrader cell. Code, outputs, figures and cell metadata are copied from the English notebook unchanged.
"""
import ast
import copy
import io
import json
import re
import sys
import tokenize
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LOCALE = "zh_CN"
CATALOGS = ROOT / "locale" / LOCALE
TRANSLATED = NOTEBOOKS / "zh"
GLOSSARY = CATALOGS / "glossary.tsv"
GRADING = "d2lmini-grading"  # the test cells' messages, read at run time by d2lmini.grading
GRADING_SOURCE = ROOT / "d2lmini" / "grading.py"
GRADING_MO = ROOT / "d2lmini" / "locale" / LOCALE / "LC_MESSAGES" / f"{GRADING}.mo"
# the arguments of d2lmini.grading's functions that a student reads: positional index or keyword
STUDENT_TEXT = {"expect": (1,), "check_close": (2, "what"), "forbidden": ("reason",), "not_used": ("reason",),
                "_message": (0,)}

MARKER = re.compile(r"^\s*(### (BEGIN|END) (SOLUTION|HIDDEN TESTS)|=== (BEGIN|END) MARK SCHEME ===)\s*$")
FENCE = re.compile(r"^\s*(```|~~~|\$\$\s*$)")
COMMENT = re.compile(r"^(\s*)# (.*)$")
CODE_OR_MATH = re.compile(r"```.*?```|`[^`]+`|\$\$.*?\$\$|\$[^$]+\$", re.S)  # spans may wrap a line


def english_notebooks():
    """The lessons, in order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def source(cell):
    """A cell's source as one string."""
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def paragraphs(markdown):
    """A Markdown text split at blank lines, keeping fenced code and $$ maths whole and markers apart."""
    blocks, current, fence = [], [], None
    for line in markdown.split("\n"):
        if fence:
            current.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        if MARKER.match(line) or not line.strip():
            blocks += ["\n".join(current)] if current else []
            blocks += [line] if line.strip() else []
            current = []
            continue
        opened = FENCE.match(line)
        if opened and not (opened.group(1) == "$$" and line.strip().count("$$") > 1):
            fence = opened.group(1).strip()
        current.append(line)
    return blocks + (["\n".join(current)] if current else [])


def translatable(text):
    """Whether a paragraph holds English words outside code and maths (and is not an nbgrader marker)."""
    return not MARKER.match(text) and re.search(r"[A-Za-z]{2}", CODE_OR_MATH.sub(" ", text)) is not None


def comment_runs(code):
    """(first line, last line, indent, text) of each run of full-line '# ' comments in a piece of code."""
    runs, lines = [], code.split("\n")
    i = 0
    while i < len(lines):
        match = COMMENT.match(lines[i])
        if not match:
            i += 1
            continue
        start, indent, texts = i, match.group(1), []
        while i < len(lines) and (m := COMMENT.match(lines[i])) and m.group(1) == indent:
            texts.append(m.group(2))
            i += 1
        runs.append((start, i, indent, "\n".join(texts)))
    return runs


def has_comments_to_translate(cell):
    """Code cells whose comments are messages: not nbgrader cells (their text is part of the grading)."""
    return cell["cell_type"] == "code" and "nbgrader" not in cell.get("metadata", {})


FIGURE_KEYS = ("alt", "widget_alt")  # a committed figure's description; a figure drawn only by a live widget


def figure_descriptions(cell):
    """(key, text) of each figure description a code cell carries in metadata.d2lmini."""
    d2lmini = cell.get("metadata", {}).get("d2lmini", {})
    return [(key, d2lmini[key]) for key in FIGURE_KEYS if d2lmini.get(key)]


def messages(nb):
    """(cell id, cell index, English text) of every message of a notebook, in order."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            found += [(cell.get("id"), index, p) for p in paragraphs(source(cell)) if translatable(p)]
        elif has_comments_to_translate(cell):
            found += [(cell.get("id"), index, text) for *_, text in comment_runs(source(cell)) if translatable(text)]
        found += [(cell.get("id"), index, text) for _, text in figure_descriptions(cell)]
    return found


def student_texts(code):
    """The literal templates, names and reasons a piece of code passes to d2lmini.grading's checks."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            for where in STUDENT_TEXT.get(name, ()):
                arg = (node.args[where] if isinstance(where, int) and where < len(node.args)
                       else next((k.value for k in node.keywords if k.arg == where), None))
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append(arg.value)
    return found


def grading_template():
    """The catalog template of the test messages: from d2lmini/grading.py and every lesson's nbgrader cells."""
    catalog = Catalog(locale=None, domain=GRADING, project="d2lmini", fuzzy=False)
    module = GRADING_SOURCE.read_text(encoding="utf-8")
    defaults = [d.value for node in ast.walk(ast.parse(module)) if isinstance(node, ast.FunctionDef)
                for d in node.args.defaults + node.args.kw_defaults if isinstance(d, ast.Constant)]
    for text in student_texts(module) + [d for d in defaults if isinstance(d, str)]:
        catalog.add(text, locations=[(GRADING_SOURCE.name, 0)])
    for path in english_notebooks():
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "code" and "nbgrader" in cell.get("metadata", {}):
                for text in student_texts(source(cell)):
                    catalog.add(text, locations=[(path.name, index)])
    return catalog


def template(path):
    """The catalog template (POT) of one English notebook."""
    catalog = Catalog(locale=None, domain=path.stem, project="d2lmini", fuzzy=False)
    for cell_id, index, text in messages(json.loads(path.read_text(encoding="utf-8"))):
        catalog.add(text, locations=[(path.name, index)], auto_comments=[f"cell id {cell_id}"])
    return catalog


def catalog_path(path):
    """Where the catalog of an English notebook (or of the domain named by a str) lives."""
    return CATALOGS / f"{getattr(path, 'stem', path)}.po"


def new_catalog(domain):
    """An empty Chinese catalog with the project's header."""
    return Catalog(locale=LOCALE, domain=domain, project="d2lmini", version="main", fuzzy=False,
                   copyright_holder="the d2lmini authors", last_translator="the d2lmini authors",
                   language_team="d2lmini Chinese edition", msgid_bugs_address="the d2lmini issue tracker",
                   header_comment=f"# Chinese (Simplified) translation of d2lmini: {domain}.\n"
                                  "# Edit msgstr entries (Poedit, Weblate or a text editor); after an English "
                                  "edit run make zh-update, then make zh.")


def read_catalog(path):
    """The Chinese catalog of an English notebook or a domain (empty when there is none yet)."""
    po, domain = catalog_path(path), getattr(path, "stem", path)
    if not po.exists():
        return new_catalog(domain)
    with po.open("rb") as f:
        return read_po(f, locale=LOCALE, domain=domain)


def write_catalog(catalog, po):
    """Write a catalog as a .po file (obsolete messages dropped, previous msgids of fuzzy ones kept)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, ignore_obsolete=True, include_previous=True,
             sort_output=False)
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_bytes(buffer.getvalue())


def update():
    """Merge each English notebook's messages into its catalog, msgmerge-style: a changed message turns fuzzy."""
    for path, fresh in [*((p, template(p)) for p in english_notebooks()), (GRADING, grading_template())]:
        catalog = read_catalog(path)
        catalog.update(fresh, update_creation_date=False)
        write_catalog(catalog, catalog_path(path))
        print(f"{catalog_path(path).relative_to(NOTEBOOKS.parent)}: {summary(catalog)}")


def summary(catalog):
    """'N messages, T translated, F fuzzy, U untranslated'."""
    items = [m for m in catalog if m.id]
    fuzzy = sum(m.fuzzy for m in items)
    done = sum(bool(m.string) and not m.fuzzy for m in items)
    return f"{len(items)} messages, {done} translated, {fuzzy} fuzzy, {len(items) - done - fuzzy} untranslated"


def lookup(catalog, text):
    """The current translation of a message, or None (missing, empty or fuzzy)."""
    message = catalog.get(text)
    return message.string if message is not None and message.string and not message.fuzzy else None


def translate_comments(code, catalog):
    """Code with each translated comment run replaced, line for line in the same indentation."""
    lines = code.split("\n")
    for start, end, indent, text in reversed(comment_runs(code)):
        local = lookup(catalog, text)
        if local:
            lines[start:end] = [f"{indent}# {line}" for line in local.split("\n")]
    return "\n".join(lines)


def translate(nb, catalog, name):
    """A copy of an English notebook (as JSON, file name `name`) with its prose and teaching comments in Chinese."""
    zh = copy.deepcopy(nb)
    for cell in zh["cells"]:
        if cell["cell_type"] == "markdown":
            parts = [lookup(catalog, p) or p if translatable(p) else p for p in paragraphs(source(cell))]
            cell["source"] = "\n\n".join(parts)
        elif has_comments_to_translate(cell):
            cell["source"] = translate_comments(source(cell), catalog)
        for key, text in figure_descriptions(cell):
            cell["metadata"]["d2lmini"][key] = lookup(catalog, text) or text
    zh["metadata"]["d2lmini"] = {"language": LOCALE, "english": f"../{name}"}
    return zh


def translated_notebook(path):
    """The Chinese notebook as `build` writes it: JSON text, formatted as nbformat writes notebooks."""
    zh = translate(json.loads(path.read_text(encoding="utf-8")), read_catalog(path), path.name)
    return json.dumps(zh, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def build():
    """Write notebooks/zh/<lesson>.ipynb for every lesson."""
    TRANSLATED.mkdir(exist_ok=True)
    for path in english_notebooks():
        target = TRANSLATED / path.name
        text = translated_notebook(path)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        print(f"{target.relative_to(NOTEBOOKS.parent)}: {summary(read_catalog(path))}")
    compiled = compiled_grading_catalog()
    if not GRADING_MO.exists() or GRADING_MO.read_bytes() != compiled:
        GRADING_MO.parent.mkdir(parents=True, exist_ok=True)
        GRADING_MO.write_bytes(compiled)


def compiled_grading_catalog():
    """The test messages' catalog as the .mo file d2lmini.grading reads (translated messages only)."""
    catalog, buffer = read_catalog(GRADING), io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def code_without_comments(code):
    """The tokens of a piece of code, comments and blank lines dropped (what runs, not what it says)."""
    try:
        tokens = tokenize.generate_tokens(io.StringIO(code).readline)
        return [(t.type, t.string) for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL)]
    except (tokenize.TokenError, SyntaxError, IndentationError):  # IPython magics and the like: compare lines
        return [line for line in code.split("\n") if not COMMENT.match(line) and line.strip()]


def metadata_beyond_prose(cell):
    """A cell's metadata without its figure descriptions (the only metadata texts that are translated)."""
    metadata = copy.deepcopy(cell.get("metadata", {}))
    for key in FIGURE_KEYS:
        metadata.get("d2lmini", {}).pop(key, None)
    return metadata


def drift(english, chinese):
    """How a Chinese notebook differs from its English source beyond prose and comments ([] when in step)."""
    problems = []
    if [c["cell_type"] for c in english["cells"]] != [c["cell_type"] for c in chinese["cells"]]:
        return ["the cells differ in number, kind or order"]
    for index, (en, zh) in enumerate(zip(english["cells"], chinese["cells"], strict=True)):
        where = f"cell {index} (id {en.get('id')})"
        if metadata_beyond_prose(en) != metadata_beyond_prose(zh):
            problems.append(f"{where}: metadata differ")
        if en["cell_type"] != "code":
            continue
        if code_without_comments(source(en)) != code_without_comments(source(zh)):
            problems.append(f"{where}: the code differs")
        if en.get("outputs") != zh.get("outputs") or en.get("execution_count") != zh.get("execution_count"):
            problems.append(f"{where}: the outputs differ")
    return problems


def first_words(text, count=8):
    """The first few words of a message, to name it in a report."""
    return " ".join(text.split()[:count])


def catalog_problems(path):
    """Untranslated, fuzzy or missing messages of one lesson, each named by notebook, cell and first words."""
    catalog, problems = read_catalog(path), []
    for cell_id, index, text in messages(json.loads(path.read_text(encoding="utf-8"))):
        message = catalog.get(text)
        state = ("has no entry in the catalog (run: make zh-update)" if message is None
                 else "is fuzzy (its English changed)" if message.fuzzy
                 else "is untranslated" if not message.string else None)
        if state:
            problems.append(f"{path.name} cell {index} (id {cell_id}): '{first_words(text)}' {state}")
    return problems


def notebook_problems(path):
    """A committed Chinese notebook that is missing, stale, or drifted from its English source."""
    target = TRANSLATED / path.name
    if not target.exists():
        return [f"{target.relative_to(NOTEBOOKS.parent)} is missing (run: make zh)"]
    text = target.read_text(encoding="utf-8")
    english, chinese = json.loads(path.read_text(encoding="utf-8")), json.loads(text)
    shown = target.relative_to(NOTEBOOKS.parent)
    problems = [f"{shown}: {p}" for p in drift(english, chinese)]
    if not problems and text != translated_notebook(path):
        problems.append(f"{shown} is not what make zh builds from the catalog (run: make zh)")
    return problems


def grading_problems():
    """Test messages without a current translation, and a compiled catalog out of step with its .po file."""
    catalog, problems = read_catalog(GRADING), []
    for message in grading_template():
        if message.id and lookup(catalog, message.id) is None:
            problems.append(f"{GRADING}.po: '{first_words(message.id)}' (from {message.locations[0][0]}) "
                            "is untranslated or fuzzy")
    if not GRADING_MO.exists() or GRADING_MO.read_bytes() != compiled_grading_catalog():
        problems.append(f"{GRADING_MO.relative_to(NOTEBOOKS.parent)} is not the compiled {GRADING}.po (run: make zh)")
    return problems


def check():
    """Every problem of the Chinese edition, one line each."""
    lessons = [p for path in english_notebooks() for p in catalog_problems(path) + notebook_problems(path)]
    return lessons + grading_problems()


def main(argv):
    """The command line: update, build or check."""
    commands = {"update": update, "build": build}
    if len(argv) != 1 or argv[0] not in (*commands, "check"):
        print(__doc__.strip().split("\n\n")[1])
        return 2
    if argv[0] in commands:
        commands[argv[0]]()
        return 0
    problems = check()
    print("\n".join(problems) or "the Chinese edition is complete and in step with the English one")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
