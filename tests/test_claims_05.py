"""Lesson 05's prose agrees with the outputs its cells printed (see tests/notebook_outputs.py)."""
from notebook_outputs import numbers, prose, text, value

NB = "05"


def test_normalisation_constants_and_their_effect():
    assert value(NB, "cdeb7b6e", "mean") == 0.1307 and value(NB, "cdeb7b6e", "std") == 0.3081
    assert value(NB, "cdeb7b6e", "before rounding: mean") == 0.13066 and "0.130660" in prose(NB, "d2dc00f2")
    out = text(NB, "c4dcc772")
    test_mean, test_std = numbers(out.splitlines()[0])[-2:]
    assert f"mean {test_mean:.4f}, std {test_std:.4f}" in prose(NB, "e61162ff")
    assert abs(test_mean - 0.1307) < 0.003 and abs(test_std - 0.3081) < 0.003
    assert value(NB, "c4dcc772", "pixel 0.0 becomes") == -0.4242
    assert value(NB, "c4dcc772", "pixel 1.0 becomes") == 2.8215
    assert "$-0.42$" in prose(NB, "103aad1e") and "$2.82$" in prose(NB, "103aad1e")
    assert value(NB, "b094077d", "normalised training pixels: mean") > -0.001
    assert value(NB, "b094077d", "std") == 1.0


def test_first_loss_is_somewhat_above_log_10():
    first, log10 = value(NB, "e2691426", "CrossEntropyLoss:"), value(NB, "e2691426", "log 10:")
    assert log10 < first < log10 + 0.5


def test_classic_run_reaches_about_92_percent():
    acc = value(NB, "8969238f", "final test accuracy")
    assert 0.91 <= acc <= 0.94 and acc == value(NB, "1b067316", "final test accuracy")
    accs = [numbers(line.split("Accuracy:")[1])[-1] for line in text(NB, "4e019f5a").splitlines() if "Accuracy" in line]
    assert len(accs) == 10 and accs[-1] > accs[0] and accs[0] == 90.69 and "0.907 here" in prose(NB, "de41c084")


def test_classic_test_loss_is_1000_times_too_small():
    assert value(NB, "6f2f3599", "ratio") == 1000.0
    fixed = value(NB, "6f2f3599", "fixed:")
    assert 0.2 < fixed < 0.35 and numbers(text(NB, "02b9a064"))[-1] == fixed
    assert "1000 times too small" in prose(NB, "103aad1e")


def test_the_overdrawn_figure_has_eight_axes():
    assert value(NB, "c806f48f", "axes in that one figure:") == 8
    assert "eight\naxes" in prose(NB, "5e753753") or "eight axes" in prose(NB, "5e753753")


def test_one_call_reproduces_the_classic_loop():
    assert value(NB, "1b067316", "from the classic loop:") == 0.0
