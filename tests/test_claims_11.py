"""Lesson 11's prose agrees with the outputs its cells printed (see tests/notebook_outputs.py)."""
import math

from notebook_outputs import cell, numbers, prose, text, value

NB = "11"


def test_temperature_keeps_the_top_class_and_raises_the_entropy():
    rows = [line.split("|") for line in text(NB, "13273229").splitlines()[1:] if "|" in line]
    assert all(row[1].strip() == "shirt" for row in rows)
    entropies = [float(row[3]) for row in rows]
    assert entropies == sorted(entropies) and len(set(entropies)) == len(entropies) and entropies[-1] < math.log(10)
    assert value(NB, "0764675a", "with p =") == 0.435


def test_trained_model_accuracy_and_under_confidence():
    acc = numbers(text(NB, "3348576c").strip().splitlines()[-1])[-1]
    accuracy, mistakes, confidence = numbers(text(NB, "0be5c576").splitlines()[1])
    assert 0.79 <= acc <= 0.87 and accuracy == acc and mistakes == round((1 - acc) * 10000)
    assert confidence < acc
    assert "under-confident" in prose(NB, "282a0a21") and "under-confident" in prose(NB, "a2b69aad")


def test_most_mistakes_mix_up_two_tops_and_tops_are_less_confident():
    assert value(NB, "c5c7bfe1", "confuse two tops:") > 50
    assert value(NB, "c5c7bfe1", "predicting a top:") < value(NB, "c5c7bfe1", "anything else:")


def test_the_static_training_run_and_the_button_agree():
    acc = value(NB, "17647027", "test accuracy")
    assert acc >= 0.75 and acc == numbers(text(NB, "3348576c").splitlines()[1])[-1]
    assert "reproduced the static run exactly" in text(NB, "87b33788")
    assert value(NB, "87b33788", "final test accuracy") == acc  # the status line after the button press
    assert "back at image 0" in text(NB, "e14a06be")


def test_figure_descriptions_agree_with_what_the_cells_print():
    alt = cell(NB, "d627ad38")["metadata"]["d2lmini"]["alt"]
    assert "ankle boot" in alt and "correct" in alt
    printed = text(NB, "d627ad38")
    assert "true class: ankle boot; prediction: ankle boot" in printed and "correct" in printed
    assert "shirt" in cell(NB, "0764675a")["metadata"]["d2lmini"]["alt"] and "top class 'shirt'" in text(NB, "0764675a")


def test_live_figures_have_descriptions_for_the_lab_extension():
    # a widget's figure exists only in the browser: its cell keeps the description as widget_alt, which the
    # d2lmini JupyterLab extension gives the figure (tests/browser/test_lab.py checks that it does)
    for cell_id in ("0ed1bfa5", "64de928a", "94644d0a"):
        meta = cell(NB, cell_id)["metadata"]["d2lmini"]
        words = meta["widget_alt"].split()
        assert "alt" not in meta and 8 <= len(words) <= 80, (cell_id, len(words))
        assert not numbers(meta["widget_alt"]), f"cell {cell_id}: keep numbers out of a live figure's description"
