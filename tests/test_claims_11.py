"""Lesson 11's prose agrees with the outputs its cells printed (see tests/notebook_outputs.py)."""
import math

from notebook_outputs import numbers, prose, text, value

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
    assert "back at image 0" in text(NB, "e14a06be")
