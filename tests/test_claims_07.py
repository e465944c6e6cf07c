"""Notebook 07's prose agrees with its committed outputs (each test names the cell whose claim it guards)."""
import math

from notebook_outputs import numbers, prose, text, value

NB = "07"


def _rows(cell_id, first_column):
    """Printed table rows whose first number is one of first_column, as {first: [numbers after it]}."""
    rows = {}
    for line in text(NB, cell_id).splitlines():
        found = numbers(line.replace(",", ""))
        if found and found[0] in first_column:
            rows[found[0]] = found[1:]
    return rows


def test_training_accuracy_is_optimistic_and_the_gap_shrinks_with_data():
    rows = _rows("e95e91a4", (100, 1000, 10000))
    train_100, _, test_100, _, gap_100, _ = rows[100]
    assert train_100 > 0.98 and 0.6 < test_100 < 0.72 and abs(gap_100 - 0.32) < 0.02
    assert abs(rows[10000][4] - 0.02) < 0.01 and rows[10000][2] > rows[1000][2] > test_100
    assert rows[100][4] > rows[1000][4] > rows[10000][4] > 0
    assert "a gap of about 0.32" in prose(NB, "0fa65c16") and "about\n0.02" in prose(NB, "0fa65c16")


def test_standard_error_formula_matches_disjoint_blocks():
    p = value(NB, "8c2acd73", "test accuracy")
    se = value(NB, "8c2acd73", "standard error")
    assert abs(se - math.sqrt(p * (1 - p) / 10000)) < 1e-4 and abs(se - 0.004) < 0.0006
    block_std = value(NB, "8c2acd73", "standard deviation")
    formula = value(NB, "8c2acd73", "/ 500) =")
    assert abs(block_std - formula) < 0.2 * formula
    assert f"quoted as {p:.4f}" in prose(NB, "ff4ad97b")
    assert f"{1.96 * se:.3f}" in prose(NB, "ff4ad97b") and f"{1.96 * formula:.3f}" in prose(NB, "ff4ad97b")


def test_paired_standard_error_is_several_times_smaller_and_the_seeds_do_not_differ():
    diff = value(NB, "85ffe871", "seed 1 minus seed 2:")
    disagree = value(NB, "85ffe871", "disagree on")
    unpaired = value(NB, "85ffe871", "difference:")
    paired = value(NB, "85ffe871", "independent,")
    assert 100 <= disagree < 1000 and unpaired > 3 * paired and abs(diff) < 2 * paired


def test_hoeffding_table_and_its_looseness():
    rows = _rows("a8849de0", (0.05, 0.02, 0.01, 0.005))
    assert rows[0.01] == [18445, 6147] and "about 18,000" in prose(NB, "3fa3e351")
    assert "about 6,000" in prose(NB, "3fa3e351") and rows[0.01][1] < 10000 < rows[0.01][0]
    misses = value(NB, "f124e67c", "or more:")
    bound = value(NB, "f124e67c", "bound:")
    normal = value(NB, "f124e67c", "approximation:")
    assert abs(misses - normal) < 0.02 and 6 < bound / misses < 10 and "about eight" in prose(NB, "319c0a24")


def test_thirty_models_differ_by_about_half_a_point():
    std = value(NB, "5caf0328", "standard deviation")
    assert 0.003 < std < 0.007 and "about half a point" in prose(NB, "ccb83951")


def test_the_public_winner_falls_back_on_the_fresh_half():
    public = value(NB, "809b52cd", "public")
    fresh = value(NB, "809b52cd", "fresh")
    assert public - fresh > 0.01 and value(NB, "809b52cd", "fresh half:") > 1     # more than a point; not the best


def test_selection_bias_grows_with_models_and_shrinks_with_public_size():
    gaps = {}
    for line in text(NB, "86de24a9").splitlines():
        found = numbers(line.replace(",", ""))
        if len(found) == 5:
            gaps[int(found[0]), int(found[1])] = (found[2], found[3])
    for n_public in (5000, 1000, 250):
        mean, se = gaps[n_public, 1]
        assert abs(mean) < 2 * se                        # no choice: no measurable bias
        mean, se = gaps[n_public, 30]
        assert mean > 5 * se                             # the winner of 30: biased upwards
    assert gaps[250, 30][0] > gaps[1000, 30][0] > gaps[5000, 30][0]
    text_ = prose(NB, "d47b6142")
    for n_public, words in ((5000, "0.3 points"), (1000, "0.9 points"), (250, "2 points")):
        assert words in text_ and abs(gaps[n_public, 30][0] * 100 - float(words.split()[0])) < 0.15


def test_validation_choice_is_reported_honestly():
    val = value(NB, "8777b20c", "validation")
    test = value(NB, "8777b20c", "test")
    best = value(NB, "8777b20c", "best on the test set: model")
    best_test = value(NB, "8777b20c", ", test")
    se = value(NB, "8777b20c", "standard error of one test accuracy:")
    assert val > test and 0 <= best_test - test < se and best >= 0
    mean_val, mean_test = value(NB, "8777b20c", "mean validation accuracy"), value(NB, "8777b20c", "mean test accuracy")
    assert val - test > mean_val - mean_test


def test_more_pixels_larger_gap_and_better_test_accuracy():
    rows = _rows("829d201c", (50, 200, 784))
    assert rows[784][4] > rows[200][4] and rows[784][4] > rows[50][4]
    assert rows[784][2] > rows[200][2] > rows[50][2]
    assert abs(rows[784][4] - 0.07) < 0.01 and abs(rows[50][4] - 0.04) < 0.01 and abs(rows[200][4] - 0.04) < 0.01


def test_exercise_outputs_agree_with_the_model_answers():
    needed = numbers(text(NB, "8ddafad1").replace(",", ""))[-1]
    assert needed > 10000                                   # so the 0.5 point claim is not resolved
    assert value(NB, "b02d2aa0", "over 100 splits") > 0.005
