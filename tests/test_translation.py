"""The Chinese edition: complete, in step with the English notebooks, faithful to numbers, code, maths and terms."""
import copy
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("i18n", ROOT / "locale" / "i18n.py")
i18n = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n)

LESSONS = i18n.english_notebooks()
CJK = re.compile(r"[\u4e00-\u9fff]")
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def glossary():
    """(English forms as one regular expression, Chinese term) per glossary line."""
    terms = []
    for line in i18n.GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, chinese = line.split("\t")[:2]
            forms = "|".join(re.escape(form) for form in english.split("|"))
            terms.append((re.compile(rf"(?<![\w-])(?:{forms})(?:s|es)?(?![\w-])", re.I), chinese))
    return terms


def translated_pairs(path):
    """(English, Chinese) of every translated message of one lesson's catalog."""
    return [(m.id, m.string) for m in i18n.read_catalog(path) if m.id and m.string and not m.fuzzy]


def prose_only(text):
    """A message without its code spans, maths and link targets: the words a translator renders."""
    return re.sub(r"\]\([^)]*\)", "]", i18n.CODE_OR_MATH.sub(" ", text))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_message_is_translated_and_current(path):
    assert i18n.catalog_problems(path) == []


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_chinese_notebook_is_built_from_the_english_one(path):
    assert i18n.notebook_problems(path) == []


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_numbers_code_and_maths_survive_translation(path):
    problems = []
    for english, chinese in translated_pairs(path):
        kept = i18n.CODE_OR_MATH.findall(english) + [n.replace(",", "") for n in NUMBER.findall(prose_only(english))]
        missing = [k for k in kept if k not in chinese and k not in chinese.replace(",", "")]
        problems += [f"'{i18n.first_words(english)}': {missing}"] if missing else []
    assert problems == []


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_glossary_terms_are_rendered_by_their_glossary_term(path):
    terms, problems = glossary(), []
    for english, chinese in translated_pairs(path):
        for pattern, term in terms:
            if pattern.search(prose_only(english)) and term.lower() not in chinese.lower():
                problems.append(f"'{i18n.first_words(english)}': {pattern.pattern[11:40]}... needs {term}")
    assert problems == []


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_chinese_sentences_use_chinese_punctuation(path):
    ascii_between = re.compile(r"[\u4e00-\u9fff][,;:?!]\s*[\u4e00-\u9fff]|[\u4e00-\u9fff]\.\s*[\u4e00-\u9fff]")
    problems = [f"'{i18n.first_words(e)}': {m.group()!r}" for e, c in translated_pairs(path)
                for m in ascii_between.finditer(prose_only(c))]
    assert problems == []


def test_glossary_is_well_formed_and_keeps_over_and_underfitting_apart():
    terms = {english: chinese for english, chinese in (
        line.split("\t")[:2] for line in i18n.GLOSSARY.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#"))}
    assert terms["overfitting|overfit"] == "过拟合" and terms["underfitting|underfit"] == "欠拟合"
    assert len(set(terms.values())) == len(terms), "two English terms share one Chinese rendering"


# The machinery, on a small notebook of its own: a changed English message turns fuzzy and is reported.

def _lesson(tmp_path, monkeypatch):
    """A one-lesson course in tmp_path, with i18n pointed at it; returns the English notebook's path."""
    for name, folder in [("NOTEBOOKS", "notebooks"), ("CATALOGS", "locale/zh_CN"), ("TRANSLATED", "notebooks/zh"),
                         ("GRADING_SOURCE", "grading.py"), ("GRADING_MO", "d2lmini/locale/d2lmini-grading.mo")]:
        monkeypatch.setattr(i18n, name, tmp_path / folder)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "grading.py").write_text('def check(x, reason="write it yourself"):\n    expect(x, "wrong {x}", x=x)\n')
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "id": "m1", "metadata": {},
         "source": "# 99. A lesson\n\nThe softmax turns $o$ into probabilities.\n\n```python\nx = 1\n```"},
        {"cell_type": "code", "id": "c1", "metadata": {"d2lmini": {"alt": "Bars of three probabilities."}},
         "execution_count": 1, "outputs": [],
         "source": "# the logits of three examples\nO = 1  # trailing comments stay"}]}
    path = tmp_path / "notebooks" / "99_lesson.ipynb"
    path.write_text(json.dumps(nb))
    return path


def _translate_all(path):
    for domain in (path, i18n.GRADING):
        catalog = i18n.read_catalog(domain)
        for message in catalog:
            if message.id:
                message.string = {"# 99. A lesson": "# 99. 一课"}.get(message.id, f"中文：{message.id}")
        i18n.write_catalog(catalog, i18n.catalog_path(domain))


def test_update_build_check_round_trip_and_an_english_edit_turns_fuzzy(tmp_path, monkeypatch, capsys):
    path = _lesson(tmp_path, monkeypatch)
    i18n.update()
    assert [m.id for m in i18n.read_catalog(i18n.GRADING) if m.id] == ["wrong {x}", "write it yourself"]
    assert [m.id for m in i18n.read_catalog(path) if m.id] == [
        "# 99. A lesson", "The softmax turns $o$ into probabilities.", "the logits of three examples",
        "Bars of three probabilities."]
    assert len(i18n.catalog_problems(path)) == 4
    _translate_all(path)
    i18n.build()
    assert i18n.check() == []
    zh = json.loads((tmp_path / "notebooks" / "zh" / path.name).read_text(encoding="utf-8"))
    assert zh["cells"][0]["source"].startswith("# 99. 一课\n\n中文：The softmax") and "```python\nx = 1\n```" in \
        zh["cells"][0]["source"]
    assert zh["cells"][1]["source"] == "# 中文：the logits of three examples\nO = 1  # trailing comments stay"
    assert zh["cells"][1]["metadata"] == {"d2lmini": {"alt": "中文：Bars of three probabilities."}}

    nb = json.loads(path.read_text())
    nb["cells"][0]["source"] = nb["cells"][0]["source"].replace("probabilities", "probabilities that sum to 1")
    path.write_text(json.dumps(nb))
    i18n.update()
    problems = i18n.check()
    assert problems[0] == ("99_lesson.ipynb cell 0 (id m1): 'The softmax turns $o$ into probabilities that "
                           "sum' is fuzzy (its English changed)")
    fuzzy = i18n.read_catalog(path).get("The softmax turns $o$ into probabilities that sum to 1.")
    assert fuzzy.fuzzy and fuzzy.string == "中文：The softmax turns $o$ into probabilities."
    assert any("is not what make zh builds" in p for p in problems)


def test_a_chinese_notebook_whose_code_or_outputs_differ_is_reported(tmp_path, monkeypatch):
    path = _lesson(tmp_path, monkeypatch)
    i18n.update()
    _translate_all(path)
    i18n.build()
    target = tmp_path / "notebooks" / "zh" / path.name
    chinese = json.loads(target.read_text(encoding="utf-8"))
    for change, expected in [(lambda c: c.update(source=c["source"].replace("O = 1", "O = 2")), "the code differs"),
                             (lambda c: c.update(outputs=[{"output_type": "stream", "name": "stdout", "text": "1"}]),
                              "the outputs differ"),
                             (lambda c: c["metadata"].update(tags=["hide-input"]), "metadata differ")]:
        edited = copy.deepcopy(chinese)
        change(edited["cells"][1])
        target.write_text(json.dumps(edited, ensure_ascii=False))
        assert i18n.notebook_problems(path) == [f"notebooks/zh/{path.name}: cell 1 (id c1): {expected}"]


def test_paragraphs_keep_fences_maths_and_nbgrader_markers_whole():
    text = "A.\n\n$$\na\n\nb\n$$\n\n```\nc\n\nd\n```\n### BEGIN SOLUTION\nanswer\n### END SOLUTION"
    assert i18n.paragraphs(text) == ["A.", "$$\na\n\nb\n$$", "```\nc\n\nd\n```", "### BEGIN SOLUTION", "answer",
                                     "### END SOLUTION"]
    assert [i18n.translatable(p) for p in i18n.paragraphs(text)] == [False, False, False, False, True, False]


def test_test_messages_are_bilingual_for_a_chinese_student(tmp_path, monkeypatch):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from d2lmini import grading
    catalog = Catalog(locale="zh_CN", domain="d2lmini-grading")
    catalog.add("{what}: got {got:.8g}, expected {want:.8g}{at}", "{what}：得到 {got:.8g}，应为 {want:.8g}{at}")
    catalog.add("macro F1", "宏平均 F1")
    mo = tmp_path / "zh_CN" / "LC_MESSAGES" / "d2lmini-grading.mo"
    mo.parent.mkdir(parents=True)
    with mo.open("wb") as f:
        write_mo(f, catalog)
    monkeypatch.setattr(grading, "LOCALE_DIR", tmp_path)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AssertionError) as english:
        grading.check_close(0.5, 0.75, "macro F1")
    assert str(english.value) == "macro F1: got 0.5, expected 0.75"
    for name, value in [("LANGUAGE", "zh_CN"), ("JPY_SESSION_NAME", "/home/ann/course/zh/06_evaluation.ipynb")]:
        monkeypatch.setenv(name, value)
        with pytest.raises(AssertionError) as chinese:
            grading.check_close(0.5, 0.75, "macro F1")
        assert str(chinese.value) == "宏平均 F1：得到 0.5，应为 0.75\nmacro F1: got 0.5, expected 0.75"
        monkeypatch.delenv(name)


def test_test_messages_are_translated_with_the_same_placeholders():
    fields = re.compile(r"\{[^{}]*\}")
    catalog = i18n.read_catalog(i18n.GRADING)
    wrong = [f"'{i18n.first_words(m.id)}': {sorted(fields.findall(m.string))}" for m in catalog
             if m.id and m.string and sorted(fields.findall(m.id)) != sorted(fields.findall(m.string))]
    assert wrong == []
    assert i18n.grading_problems() == []
