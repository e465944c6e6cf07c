"""The prose of notebook 01 agrees with what its cells printed (read from the committed outputs)."""
import math
import re

from notebook_outputs import numbers, prose, text, value

NB = "01"


def lines_with(cell_id, word):
    """The printed lines of a cell that contain a word."""
    return [line for line in text(NB, cell_id).splitlines() if word in line]


def test_header_minutes_add_up_to_the_session_and_name_every_section():
    header = prose(NB, "4c5b39da")
    rows = re.findall(r"^\| (.+?) \| (\d+) \|$", header, re.M)
    assert sum(int(minutes) for _, minutes in rows) == 90
    assert "**Time in class:** 90 minutes" in header
    from notebook_outputs import lesson
    headings = [line[3:] for cell in lesson(NB)["cells"] if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines() if re.match(r"## \d+\. ", line)]
    named = [name for name, _ in rows]
    for heading in headings:
        number = heading.split(".")[0]
        assert any(name.startswith(number + ".") for name in named), f"section {heading!r} has no minutes"
        assert ("(optional)" in heading) == any(name.startswith(number + ".") and "(optional)" in name
                                                for name in named)


def test_softmax_worked_examples():
    out = text(NB, "c5325291")
    assert "softmax([2.0, 1.0, 0.1]) = [0.659, 0.242, 0.099]" in out
    assert "(0.659, 0.242, 0.099)" in prose(NB, "5ecb5040")
    p4 = numbers(out.split("softmax([2, 1, 3, 0.5])  =")[1])[:4]
    assert round(100 * p4[2]) == 63 and round(100 * p4[0]) == 23          # "3 gets 63%, 2 gets 23%"
    assert "gets 63%" in prose(NB, "b1012079") and "gets 23%" in prose(NB, "b1012079")
    assert value(NB, "c5325291", "p(score 3) / p(score 2) =") == round(math.e, 4)


def test_raw_scores_shares():
    rows = text(NB, "415a2d25").splitlines()
    assert value(NB, "415a2d25", "cat's share of the sum") == 0.9804            # "98% of the total"
    assert numbers(rows[1].split("cat's share of the sum")[1])[0] == 0.0050     # "0.5% in the second"
    assert numbers(rows[2].split("smallest share")[1])[0] < 0                   # "below zero"
    assert "98%" in prose(NB, "7fbb4925") and "0.5%" in prose(NB, "7fbb4925")


def test_naive_softmax_overflows_where_torch_does_not():
    row = lines_with("884b0eca", "1000.0")[0]
    assert "torch.softmax tensor([0.5000, 0.0000, 0.5000])" in row and "our softmax tensor([nan, 0., nan])" in row


def test_the_four_properties_hold_and_scaling_changes_softmax():
    out = text(NB, "15d832ef")
    assert out.count("True") == 4 and "not scale-invariant: False" in out


def test_temperature_sharpens_and_flattens_without_changing_the_class():
    out = text(NB, "40c75370")
    rows = [numbers(line) for line in out.splitlines()[2:8]]
    entropies = [row[-1] for row in rows]
    assert entropies == sorted(entropies) and len(set(entropies)) == len(entropies)
    assert "predicted class at every T: [2] | entropy rises with T: True" in out
    assert abs(entropies[-1] - math.log(4)) < 1e-3                     # uniform as T grows


def test_log_sum_exp_is_a_smooth_maximum():
    out = text(NB, "a7e1c002")
    rows = [numbers(line) for line in out.splitlines() if re.match(r"\s+\d", line)]
    gaps = [row[2] for row in rows]
    assert all(0 <= gap <= row[3] for gap, row in zip(gaps, rows))       # max <= T LSE(o/T) <= max + T log q
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < 1e-5         # tends to the maximum as T -> 0
    assert "= softmax(o)" in out


def test_squared_loss_against_cross_entropy():
    rows = lines_with("9723e1c3", "prediction")
    squared = [numbers(row.split("squared loss")[1])[0] for row in rows]
    ce = [numbers(row.split("cross-entropy")[1])[0] for row in rows]
    assert squared == [0.24, 0.32] and ce == [0.5108, 0.5108]
    assert value(NB, "9723e1c3", "squared loss ratio") == 1.3333               # "a third worse"
    assert "0.32 against 0.24" in prose(NB, "2f56900a") and "0.5108" in prose(NB, "2f56900a")
    norms = numbers(lines_with("7db9201c", "gradient norms")[0])
    assert norms[1] > 20 * norms[0]                                       # "pushes hard ... barely moves"


def test_likelihood_and_cross_entropy_move_together():
    rows = [numbers(line) for line in text(NB, "31368c2e").splitlines() if re.match(r"\s+\d+\s+\d", line)]
    joints = [row[2] for row in rows]
    assert all(row[2] == row[3] for row in rows)                          # P = exp(-total CE)
    assert joints == sorted(joints) and abs(joints[0] - (1 / 3) ** 30) < 1e-18
    assert "product 0.0," in text(NB, "31368c2e")                         # the product underflows
    assert value(NB, "31368c2e", "mean cross-entropy") == round(math.log(2), 4)


def test_information_quantities():
    assert value(NB, "f1c8a6c1", "nats =") == 1.5
    assert value(NB, "f1c8a6c1", "KL(P||Q)   =") != value(NB, "f1c8a6c1", "KL(Q||P)   =")
    assert value(NB, "f1c8a6c1", "H(y) =") == 0
    assert (value(NB, "f1c8a6c1", "H(y, y_hat) =") == value(NB, "f1c8a6c1", "KL(y || y_hat) =")
            == value(NB, "f1c8a6c1", "-log 0.6 =") == 0.5108)


def test_gradient_and_jacobian_checks_pass():
    grad_rows = [numbers(line) for line in text(NB, "2290e150").splitlines()]
    assert grad_rows[0] == grad_rows[1]
    assert text(NB, "11f85f6c").count("True") == 2
    gradchecks = lines_with("5ed0b374", "gradcheck")
    assert len(gradchecks) == 6 and all(line.endswith("True") for line in gradchecks)
    out = text(NB, "5af8bedc")
    assert "symmetric: True | rows sum to 0: True | rank: 3" in out
    chain, direct = (numbers(line.split("=", 1)[1]) for line in out.splitlines()[-2:])
    assert chain == direct


def test_overflow_thresholds():
    out = text(NB, "ae2cdead")
    assert value(NB, "ae2cdead", "log of it") == 88.72 and "about 88.7" in prose(NB, "9e708d31")
    assert "inf" in out.split("in float32:")[1] and out.rstrip().endswith("0.0000e+00])")
    assert "1.4013e-45" in out and "$-103$" in prose(NB, "9e708d31")


def test_log_of_zero_and_exact_losses():
    assert "[nan, nan, nan]" in text(NB, "9d199ce8")
    assert "tensor([   inf, 0.6932,    inf])" in text(NB, "9d199ce8")
    out = text(NB, "3bb04e9b")
    assert lines_with("3bb04e9b", "from logits")[0].split(":")[1].split() == ["990.693,", "0.693,", "200.000"]
    assert "990.693, 0.693, 200.000" in out.split("exact values:")[1]
    assert "990.693" in prose(NB, "518702ce")
    assert "[[nan, nan, nan]]" in text(NB, "7101adfd") and "[[-1.,  1.,  0.]]" in text(NB, "7101adfd")


def test_softmax_twice_keeps_a_positive_loss():
    on_logits = value(NB, "fd4ef92e", "loss on logits:")
    on_probabilities = value(NB, "fd4ef92e", "loss on probabilities:")
    assert on_logits < 1e-3 and on_probabilities >= math.log(1 + 2 / math.e) - 1e-6
    formula, numeric = numbers(text(NB, "5a1f0c22").splitlines()[0].split("formula")[1])[:2]
    assert formula == numeric


def test_sigmoids_and_multi_hot():
    out = text(NB, "92ca5cfc")
    assert "predicts dog only" in out and "predicts ['dog', 'cat']" in out
    rows = lines_with("d3c1a002", "multi-hot")
    confident = [numbers(row.split("label")[1])[0] for row in rows[1:]]
    assert confident == [round(2 * math.log(2), 4)] * 2                   # stays at 2 log 2
    assert all(numbers(row.split("BCE")[1])[0] == 0 for row in rows[1:])  # sigmoids say yes to both
    assert value(NB, "200c4225", "BCEWithLogitsLoss:") == 200 and value(NB, "200c4225", "sigmoid then BCE:") == 100
    assert "true loss is 200" in prose(NB, "f90c980f") and "value of 100" in prose(NB, "f90c980f")


def test_exercise_4_prompt_matches_the_predictions():
    out = text(NB, "3c8c694e")
    assert [numbers(line)[-1] for line in out.splitlines()] == [12, 89, 89]   # float16, bfloat16, float32
    assert "$x = 12$" in prose(NB, "6d5b1af2")
