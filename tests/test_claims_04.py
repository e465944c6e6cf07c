"""Lesson 04's prose agrees with the outputs its cells printed (see tests/notebook_outputs.py)."""
from notebook_outputs import numbers, prose, text, value

NB = "04"


def test_concise_model_reaches_the_quoted_accuracy():
    acc = value(NB, "2b3f2546", "test accuracy")
    assert acc >= 0.82
    for cell in ("c1b936f4", "668278bc", "417ce513"):
        assert f"{acc:.4f}" in prose(NB, cell)


def test_initialisation_stds():
    out = text(NB, "ed1a6b25")
    assert value(NB, "ed1a6b25", "default init: weight std") > 0.015
    assert value(NB, "ed1a6b25", "after apply:  weight std") == 0.01 and "bias all zero: True" in out


def test_module_subclass_follows_the_sequential_model():
    assert text(NB, "7a0520d9").count("True") == 2


def test_scratch_and_concise_gap_is_zero_and_inside_the_noise():
    gap = value(NB, "27a7ce64", "gap")
    se = value(NB, "27a7ce64", "= ")
    assert gap == 0 and 0.003 < se < 0.005
    assert "gap of\nzero" in prose(NB, "668278bc") or "gap of zero" in prose(NB, "668278bc")


def test_agreement_and_the_lasting_weight_difference():
    out = text(NB, "6e955940")
    agree = value(NB, "6e955940", "same prediction on")
    assert f"{agree:.2f}%" in prose(NB, "668278bc") and f"{agree:.2f}%" in prose(NB, "417ce513")
    scratch_right, concise_right = numbers(out.splitlines()[1])
    assert scratch_right == concise_right and "equally often" in prose(NB, "668278bc")
    start, end = value(NB, "6e955940", "at the start,"), value(NB, "6e955940", "largest weight difference:")
    assert abs(start - end) < 0.002
    assert value(NB, "6e955940", "changed by at most") < 1e-5 < value(NB, "6e955940", "shared by all classes: largest")


def test_top3_prose():
    lines = text(NB, "6a8a5756").splitlines()
    trousers = [numbers(line.split("top-3:")[1])[0] for line in lines if "true trouser" in line]
    assert trousers and min(trousers) > 0.95
    boot = lines[0].split("top-3:")[1]
    assert "sneaker" in boot and "sandal" in boot
    shirt = [line for line in lines if "true shirt" in line][0]
    assert "t-shirt" in shirt and "pullover" in shirt
