"""Notebook 12's prose agrees with the numbers its cells printed (read from the committed outputs)."""
from notebook_outputs import numbers, prose, text, value

NB = "12"
METHODS = ["sampled softmax (K=1024)", "sampled, no logQ correction", "negative sampling (K=20)", "adaptive softmax",
           "two-level softmax"]


def _row(cell_id, label):
    """The numbers printed on the line that starts with the label (leading spaces ignored)."""
    lines = [line.strip() for line in text(NB, cell_id).splitlines() if line.strip().startswith(label)]
    assert lines, f"cell {cell_id} no longer prints a line starting with {label!r}"
    return numbers(lines[0][len(label):])


def _said(cell_id, *quoted):
    said = " ".join(prose(NB, cell_id).split())
    for q in quoted:
        assert q in said, f"the prose of cell {cell_id} no longer says {q!r}"


def test_problem_and_bayes_classifier():
    acc, nll = value(NB, "921e1f78", "accuracy"), value(NB, "921e1f78", "held-out loss")
    assert 0.80 < acc < 0.92 and nll < 1.5
    _said("a24c35d9", f"gets {round(100 * acc)}% right")
    assert "100 most frequent classes hold  45.5%" in text(NB, "f7736c01")


def test_full_softmax_memory_and_sampler():
    out = text(NB, "a677dea9")
    saved, grad, one = numbers(out)
    assert saved >= one and grad == one == 51.2
    assert value(NB, "8f4090b2", "sum of q =") == 1.0
    for k in ["0", "1", "9", "99"]:
        q, observed, _ = _row("8f4090b2", f"class {k:>3}:")
        assert abs(q - observed) < 0.001  # the sampler matches its formula


def test_bias_of_the_sampled_loss():
    rows = [_row("85e8c9a5", k) for k in ["16", "64", "256", "1024", "4096"]]
    means = [r[0] for r in rows]
    assert all(m < 0 for m in means) and means == sorted(means)  # below the exact loss, closer as K grows
    assert rows[0][2] < -3 and rows[1][2] < -3  # clearly measurable at K = 16 and 64
    assert all(abs(r[0]) < 0.006 and r[2] > -2 for r in rows[2:])
    assert all(abs(r[0] - r[3]) <= 1.2 * r[1] + 1e-4 for r in rows)  # the delta method within about one std
    assert all(a[5] < b[5] for a, b in zip(rows, rows[1:]))  # the uncorrected 'loss' grows with K
    _said("5ed362c9", f"{-rows[0][2]:.1f} and {-rows[1][2]:.1f}")


def test_cheap_layers_are_exact_where_they_claim():
    assert "probabilities sum to one: True" in text(NB, "4057778e")
    assert "probabilities sum to one: True" in text(NB, "98174684")
    assert "training loss = -log_probs at the label: True" in text(NB, "98174684")


def test_time_and_memory_against_the_number_of_classes():
    slope = {name: _row("3df1bc08", name)[-1] for name in
             ["full softmax", "sampled softmax (K=1024)", "negative sampling (K=20)", "adaptive softmax"]}
    assert 0.7 < slope["full softmax"] < 1.7
    assert slope["sampled softmax (K=1024)"] < 0.3 and slope["negative sampling (K=20)"] < 0.3
    ratio = value(NB, "3df1bc08", "C = 50,000 vs C = 5,000:")
    _said("9c74b878", f"slope is {slope['full softmax']:.2f}", f"cost {ratio:.1f}x the time")
    assert value(NB, "3df1bc08", "vs the slowest alternative:") > 3
    saved = {name: _row("f3ab071e", name)[-1] for name in ["full softmax", "sampled softmax (K=1024)",
                                                           "negative sampling (K=20)", "adaptive softmax",
                                                           "two-level softmax"]}
    assert all(saved["full softmax"] > 5 * mb for name, mb in saved.items() if name != "full softmax")


def _results():
    rows = {name: _row("a6f57ecd", name) for name in METHODS}
    return rows, _row("a6f57ecd", "Bayes classifier")


def test_every_method_learns():
    rows, bayes = _results()
    baseline = value(NB, "7fed7938", "class 0 alone is right") / 100
    prior_nll = value(NB, "7fed7938", "held-out loss of")
    for name, (acc, nll, *_) in rows.items():
        assert acc > baseline + 0.2 and nll < prior_nll - (0.2 if name.startswith("negative") else 0.5)
        assert 0.3 < acc < 0.7
    assert max(r[1] for r in rows.values()) == rows["negative sampling (K=20)"][1]
    for name in ["sampled softmax (K=1024)", "adaptive softmax", "two-level softmax"]:
        assert rows[name][0] > 0.4 and rows[name][1] < 6.0 and abs(rows[name][3] - 0.455) < 0.1
    for name in ["adaptive softmax", "two-level softmax"]:
        assert abs(rows[name][2] - rows[name][1]) < 1e-3  # their own loss is the exact loss
    accs = [r[0] for r in rows.values()]
    _said("e493f7ae", f"{min(accs):.3f} to {max(accs):.3f}", "0.862", "8.5%", "7.6 nats")
    assert bayes[0] == 0.862
    full_seconds = value(NB, "a6f57ecd", "would take about")
    assert full_seconds > 3 * max(r[4] for r in rows.values())


def test_log_q_correction_over_three_seeds():
    acc, nll, own, head = (_row("9c5fa522", label) for label in ["accuracy", "exact loss", "own loss", "head mass"])
    with_q, without_q = slice(0, 2), slice(2, 4)
    assert head[without_q][0] < 0.35 and nll[without_q][0] > nll[with_q][0] + 0.5
    assert abs(own[with_q][0] - nll[with_q][0]) < 0.3 and own[without_q][0] < nll[without_q][0] - 1.0
    gap = value(NB, "9c5fa522", "paired by seed:")
    _said("e493f7ae", f"{head[0]:.3f} ± {head[1]:.3f}", f"{head[2]:.3f} ± {head[3]:.3f}", f"{gap:+.3f}")


def test_the_long_tail_explains_the_gap():
    out = text(NB, "5779c008")
    shares = [numbers(line)[-1] for line in out.splitlines() if line.strip().startswith(tuple(METHODS))][-5:]
    assert all(50 < s < 100 for s in shares)  # most of the gap: labels seen fewer than 10 times
    bayes_never_seen = [numbers(line) for line in out.splitlines() if line.strip().startswith("Bayes")][0][0]
    assert bayes_never_seen > 0.5


def test_quantisation_is_inside_the_noise():
    assert value(NB, "73e3af35", "test accuracy") > 0.80
    out = text(NB, "131920cb")
    se = value(NB, "131920cb", "10,000 images:") / 100
    for name in ["int8, ours", "int8, quantize_dynamic"]:
        change, errors, shrink = _row("131920cb", f"{name}: accuracy change")[:3]
        assert abs(change) / 100 < se and errors < 1 and 2.5 < shrink < 4
    assert value(NB, "131920cb", "agree on") > 99
    assert "per_tensor_affine" in text(NB, "314354d2") and out


def test_sparsemax_claims():
    zeros = numbers(text(NB, "57e2f76c").splitlines()[-1])[-3:]
    assert zeros == sorted(zeros) and zeros[0] < zeros[2]  # larger logits, more exact zeros
    t1, t4, top3 = _row("44ff3c38", "sparsemax, T = 1.0"), _row("44ff3c38", "sparsemax, T = 4.0"), _row(
        "44ff3c38", "top-3 softmax")
    assert abs(t4[-2] - top3[-2]) < t4[-1] + top3[-1]  # no measurable difference
    _said("6cac13d1", f"keeps {t1[0]:.2f} classes", f"{t1[-2]:.4f} ± {t1[-1]:.4f}", f"{t4[-2]:.4f} ± {t4[-1]:.4f}",
          f"{t4[0]:.2f} classes", f"({top3[-2]:.4f} ± {top3[-1]:.4f})")
    _said("aeaafddd", "Softmax is not invariant to rescaling the logits either")


def test_full_softmax_at_5000_classes():
    rows = {name: _row("a7c51e02", name) for name in ["full softmax", "sampled softmax (K=100)",
                                                      "negative sampling (K=20)", "adaptive softmax",
                                                      "two-level softmax"]}
    full, sampled = rows["full softmax"], rows["sampled softmax (K=100)"]
    se = (full[0] * (1 - full[0]) / 1000) ** 0.5
    assert abs(sampled[3]) < se and 0 < sampled[4] < 0.05  # within noise of the full softmax
    assert full[-1] > 3 * sampled[-1]  # "a fraction of its CPU time"
    assert round(se, 3) == 0.014
    for name in ["adaptive softmax", "two-level softmax", "negative sampling (K=20)"]:
        assert rows[name][3] < -3 * se  # "these gaps are real"
    _said("e493f7ae", f"{sampled[0]:.3f} against {full[0]:.3f}", f"{sampled[1]:.3f} against {full[1]:.3f}",
          f"adaptive softmax is {-rows['adaptive softmax'][3]:.3f} behind",
          f"two-level softmax {-rows['two-level softmax'][3]:.3f} and negative sampling "
          f"{-rows['negative sampling (K=20)'][3]:.3f}")
    seconds = value(NB, "a6f57ecd", "would take about")
    _said("a7c51e01", f"about {seconds:.0f} CPU seconds")
