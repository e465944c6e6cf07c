"""Lesson 03's prose agrees with the outputs its cells printed (see tests/notebook_outputs.py)."""
from notebook_outputs import numbers, prose, text, value

NB = "03"
TOPS = {"t-shirt", "pullover", "coat", "shirt"}


def final_test_accuracy():
    """The last row of the ten-epoch table: epoch, train loss, train acc, test acc."""
    return numbers(text(NB, "a52ff71b").strip().splitlines()[-1])[-1]


def test_parameter_count_and_data_shapes():
    assert value(NB, "15e3aef0", "trainable numbers:") == 7850
    assert "7,850" in prose(NB, "337897a6")
    assert "235 training, 40 test" in text(NB, "57815fbd")


def test_untrained_model_is_at_or_below_chance():
    assert value(NB, "4c9e2a80", "untrained test accuracy:") < 0.1
    assert "below the chance level" in prose(NB, "e2b6c8ae")


def test_gradient_of_the_sum_is_batch_size_times_the_mean():
    assert value(NB, "2bbdfa04", "gradient of the sum / gradient of the mean:") == 256.0


def test_the_four_sgd_steps_agree():
    out = text(NB, "707018eb")
    assert out.count("True") == 3 and "False" not in out
    assert "True" in text(NB, "7d51e4f9") and "False" not in text(NB, "7d51e4f9")


def test_one_epoch_already_classifies_most_images():
    assert value(NB, "67cf8375", "test accuracy") > 0.5


def test_final_accuracy_is_the_one_the_prose_quotes():
    acc = final_test_accuracy()
    assert acc >= 0.82
    assert f"{acc:.4f}" in prose(NB, "9aac8f0d") and f"{acc:.4f}" in prose(NB, "337897a6")
    assert value(NB, "ad52b163", "final test accuracy:") == acc and "True" in text(NB, "ad52b163")
    losses = [numbers(line)[1] for line in text(NB, "a52ff71b").strip().splitlines()[1:]]
    assert losses[-1] < losses[0]


def test_mistakes_are_mostly_between_upper_body_garments():
    rows = [line.split("->") for line in text(NB, "09fbb4e8").splitlines()[2:] if "->" in line]
    pairs = [(a.strip(), b.split()[0]) for a, b in rows]
    assert all(t in TOPS and p in TOPS for t, p in pairs[:4]), pairs
    assert "shirts, T-shirts" in prose(NB, "a4852047") and "upper-body" in prose(NB, "337897a6")
