"""Notebook 08's prose agrees with the numbers its cells printed (read from the committed outputs)."""
from notebook_outputs import numbers, prose, text, value

NB = "08"


def _row(cell_id, label):
    """The numbers printed on the line that starts with the label."""
    (line,) = [line for line in text(NB, cell_id).splitlines() if line.startswith(label)]
    return numbers(line[len(label):])


def test_covariate_shift_costs_what_the_prose_says():
    rows = [_row("230824d2", label) for label in
            ["none", "darker (x 0.5)", "lower contrast", "blurred (sigma 1)", "moved 2 px right", "inverted"]]
    none, darker, contrast, blurred, moved, inverted = rows
    none = none[0]
    for _acc, spread, se, change in (darker, blurred):
        assert 0.015 < -change < 0.045 and -change > 2.5 * max(spread, se)  # "about three points", several errors
    assert round(contrast[0], 3) == 0.450 and round(moved[0], 3) == 0.561 and round(inverted[0], 2) == 0.04
    assert inverted[0] < 0.1 and round(none, 3) == 0.817
    said = prose(NB, "3f584ad4")
    for quoted in (f"{darker[0]:.3f} and {blurred[0]:.3f} against {none:.3f}", f"({contrast[0]:.3f})",
                   f"to {moved[0]:.3f}", f"{round(100 * inverted[0])}% right"):
        assert quoted in said, quoted


def test_detection_table():
    rows = {name: _row("cfaf0010", name) for name in
            ["none", "darker (x 0.5)", "lower contrast", "blurred (sigma 1)", "moved 2 px right", "inverted"]}
    assert abs(rows["none"][0] - 0.5) < 0.01 and abs(rows["none"][-1]) < 2  # chance, means within noise
    for name, row in rows.items():
        if name != "none":
            assert row[0] > 0.5 + 10 * row[1]  # the domain classifier detects every shift
    assert abs(rows["moved 2 px right"][-1]) < 2 and abs(rows["blurred (sigma 1)"][-1]) < 5  # the mean is blind
    assert rows["darker (x 0.5)"][-1] < -150 and rows["darker (x 0.5)"][0] < 0.65


def test_label_shift_detected_and_corrected():
    uniform, shifted = _row("6694f229", "uniform  test mix:"), _row("6694f229", "shifted  test mix:")
    se = value(NB, "6694f229", "on 3,000 images:")
    assert round(uniform[0], 3) == 0.819 and round(shifted[0], 3) == 0.761
    assert 7 < (uniform[0] - shifted[0]) / se < 9  # "about eight binomial standard errors"
    assert shifted[2] > uniform[2] + 10 * (shifted[3] + uniform[3])  # the predicted mix detects it
    before, bbse, oracle = (_row("7cc661e9", label) for label in
                            ["accuracy as trained", "accuracy, BBSE-reweighted", "accuracy, true-prior reweighted"])
    naive, estimate = _row("7cc661e9", "L1 error of predicted mix"), _row("7cc661e9", "L1 error of BBSE estimate")
    assert bbse[0] > before[0] + 2 * before[1] and abs(bbse[0] - oracle[0]) <= 0.0011
    assert bbse[0] > uniform[0]  # above the uniform test set's accuracy
    assert 6 < naive[0] / estimate[0] < 10  # "eight times as much"
    assert abs(bbse[2] - before[2]) < before[3] + bbse[3]  # no shift: within noise
    gain = value(NB, "7cc661e9", "paired by run:")
    assert round(gain, 3) == 0.067
    first = text(NB, "07c15471")
    assert "shirt          0.300          0.161          0.300" in first
    assert numbers(first.splitlines()[-1])[-2:] == [0.7367, 0.83]


def test_correction_hurts_under_covariate_shift():
    for label in ["blurred, uniform labels", "lower contrast, uniform labels"]:
        before, _, after, _, error, _ = _row("92b850ad", label)
        assert after < before - 0.01 and error > 0.1
    blurred, contrast = _row("92b850ad", "blurred, uniform labels"), _row("92b850ad", "lower contrast, uniform labels")
    said = prose(NB, "31360a40")
    for quoted in (f"{blurred[0]:.3f} to\n{blurred[2]:.3f}", f"{contrast[0]:.3f} to {contrast[2]:.3f}",
                   f"{blurred[4]:.3f} and {contrast[4]:.3f}"):
        assert quoted.replace("\n", " ") in said.replace("\n", " "), quoted


def test_exercise_two_prediction_matches_the_measurement():
    predicted, _, measured, _ = numbers(text(NB, "c24f6aa8"))
    assert abs(predicted - measured) < 0.01
