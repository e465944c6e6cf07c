"""Evaluation metrics: every number cross-checked against scikit-learn or a direct numpy computation."""
import math

import numpy as np
import pytest
import torch

from d2lmini import metrics
from d2lmini.data import TensorLoader
from d2lmini.models import softmax_regression

C = 5


@pytest.fixture(scope="module")
def skm():
    """scikit-learn's metrics module (the reference implementation)."""
    return pytest.importorskip("sklearn.metrics")


def _random_case(seed, n=500, num_classes=C):
    """Uniformly random labels and softmax probabilities: a hard, uninformative classifier."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(num_classes, (n,), generator=g)
    logits = torch.randn(n, num_classes, generator=g, dtype=torch.float64)
    return logits, y


def _realistic_case(seed, n=2000, num_classes=C, scale=2.0):
    """Logits of a decent but imperfect classifier: the true class gets a boost of random size."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(num_classes, (n,), generator=g)
    logits = torch.randn(n, num_classes, generator=g, dtype=torch.float64)
    logits[torch.arange(n), y] += scale * torch.rand(n, generator=g, dtype=torch.float64) * 2
    return logits, y


CASES = [_random_case(0), _random_case(1, n=37), _realistic_case(2), _realistic_case(3, scale=0.5)]


def _numpy_ece(probs, y, n_bins):
    """ECE written directly from its definition with numpy, bins (lo, hi]."""
    probs, y = np.asarray(probs, dtype=np.float64), np.asarray(y)
    conf, pred = probs.max(axis=1), probs.argmax(axis=1)
    edges = np.linspace(0, 1, n_bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (conf > lo) & (conf <= hi)
        if in_bin.any():
            ece += in_bin.mean() * abs((pred[in_bin] == y[in_bin]).mean() - conf[in_bin].mean())
    return ece


@pytest.mark.parametrize("logits, y", CASES)
def test_confusion_matrix_matches_sklearn(skm, logits, y):
    cm = metrics.confusion_matrix(y, logits, C)
    expected = skm.confusion_matrix(y.numpy(), logits.argmax(1).numpy(), labels=list(range(C)))
    assert cm.dtype == torch.int64 and cm.shape == (C, C)
    np.testing.assert_array_equal(cm.numpy(), expected)
    assert cm.sum() == len(y)


def test_confusion_matrix_accepts_labels_or_scores_and_checks_ranges():
    y, y_hat = torch.tensor([0, 1, 2, 2]), torch.tensor([0, 2, 2, 1])
    assert metrics.confusion_matrix(y, y_hat, 3).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 1]]
    assert metrics.confusion_matrix(y, y_hat).shape == (3, 3)
    assert metrics.confusion_matrix(y, y_hat, 4)[3].sum() == 0
    assert torch.equal(metrics.confusion_matrix(y, torch.eye(3)[y_hat]), metrics.confusion_matrix(y, y_hat))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 1\]"):
        metrics.confusion_matrix(y, y_hat, 2)
    with pytest.raises(ValueError, match="shape"):
        metrics.confusion_matrix(y, y_hat[:3], 3)


def test_most_confused_pairs():
    cm = torch.tensor([[50, 3, 9], [3, 40, 0], [1, 12, 30]])
    assert metrics.most_confused_pairs(cm, 3) == [(2, 1, 12), (0, 2, 9), (0, 1, 3)]
    assert metrics.most_confused_pairs(cm, 100) == [(2, 1, 12), (0, 2, 9), (0, 1, 3), (1, 0, 3), (2, 0, 1)]
    assert metrics.most_confused_pairs(torch.diag(torch.tensor([4, 5])), 3) == []


@pytest.mark.parametrize("logits, y", CASES)
def test_precision_recall_f1_match_sklearn(skm, logits, y):
    y_hat = logits.argmax(1).numpy()
    cm = metrics.confusion_matrix(y, y_hat, C)
    p, r, f1, support = metrics.precision_recall_f1(cm)
    ep, er, ef, es = skm.precision_recall_fscore_support(y.numpy(), y_hat, labels=list(range(C)), zero_division=0)
    for mine, theirs in [(p, ep), (r, er), (f1, ef)]:
        np.testing.assert_allclose(mine.numpy(), theirs, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(support.numpy(), es)
    for average in ("macro", "micro"):
        mp, mr, mf, n = metrics.precision_recall_f1(cm, average)
        ep, er, ef, _ = skm.precision_recall_fscore_support(y.numpy(), y_hat, labels=list(range(C)),
                                                            average=average, zero_division=0)
        assert (mp, mr, mf) == pytest.approx((ep, er, ef), abs=1e-12)
        assert mf == pytest.approx(skm.f1_score(y.numpy(), y_hat, average=average, zero_division=0), abs=1e-12)
        assert n == len(y)
    micro_f1 = metrics.precision_recall_f1(cm, "micro")[2]
    assert micro_f1 == pytest.approx((y_hat == y.numpy()).mean(), abs=1e-12)  # micro F1 = accuracy


def test_class_never_predicted_and_class_absent(skm):
    y = np.array([0, 0, 1, 1, 2, 2, 3])
    y_hat = np.array([0, 1, 1, 1, 1, 0, 0])  # class 2 and 3 never predicted; class 4 absent everywhere
    cm = metrics.confusion_matrix(torch.from_numpy(y), torch.from_numpy(y_hat), 5)
    p, r, f1, support = metrics.precision_recall_f1(cm)
    assert p[2] == 0 and p[3] == 0 and r[4] == 0 and f1[4] == 0 and support[4] == 0
    ep, er, ef, _ = skm.precision_recall_fscore_support(y, y_hat, labels=range(5), zero_division=0)
    np.testing.assert_allclose(torch.stack([p, r, f1]).numpy(), np.stack([ep, er, ef]), atol=1e-12)
    macro_f1 = metrics.precision_recall_f1(cm, "macro")[2]
    assert macro_f1 == pytest.approx(skm.f1_score(y, y_hat, labels=range(5), average="macro", zero_division=0))


def test_all_correct(skm):
    y = torch.tensor([0, 1, 2, 2, 1, 0, 2])
    probs = torch.eye(3, dtype=torch.float64)[y]
    cm = metrics.confusion_matrix(y, probs)
    assert torch.equal(cm, torch.diag(torch.tensor([2, 2, 3])))
    for average in ("macro", "micro"):
        assert metrics.precision_recall_f1(cm, average)[:3] == (1.0, 1.0, 1.0)
    assert metrics.most_confused_pairs(cm) == []
    per_class, macro = metrics.roc_auc_ovr(probs, y)
    assert per_class.tolist() == [1.0, 1.0, 1.0] and macro == 1.0
    assert macro == skm.roc_auc_score(y.numpy(), probs.numpy(), multi_class="ovr")
    assert metrics.expected_calibration_error(probs, y) == 0.0
    assert metrics.nll(torch.log(probs.clamp(min=1e-300)), y) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("logits, y", CASES)
def test_roc_auc_ovr_matches_sklearn(skm, logits, y):
    probs = torch.softmax(logits, dim=1)
    per_class, macro = metrics.roc_auc_ovr(probs, y)
    expected = [skm.roc_auc_score((y == c).numpy(), probs[:, c].numpy()) for c in range(C)]
    np.testing.assert_allclose(per_class.numpy(), expected, rtol=0, atol=1e-12)
    assert macro == pytest.approx(skm.roc_auc_score(y.numpy(), probs.numpy(), multi_class="ovr"), abs=1e-12)


def test_roc_auc_handles_ties_and_missing_classes(skm):
    logits, y = _realistic_case(4, n=300)
    scores = torch.softmax(logits, dim=1).round(decimals=1)  # many tied scores
    per_class, _ = metrics.roc_auc_ovr(scores, y)
    expected = [skm.roc_auc_score((y == c).numpy(), scores[:, c].numpy()) for c in range(C)]
    np.testing.assert_allclose(per_class.numpy(), expected, atol=1e-12)
    y_missing = torch.where(y == 4, torch.zeros_like(y), y)  # no example of class 4
    per_class, macro = metrics.roc_auc_ovr(scores, y_missing)
    assert math.isnan(per_class[4]) and macro == pytest.approx(per_class[:4].mean().item())
    assert metrics.roc_auc_ovr(torch.tensor([[0.5, 0.5]] * 4), torch.tensor([0, 1, 0, 1]))[1] == 0.5


@pytest.mark.parametrize("n_bins", [1, 10, 15])
@pytest.mark.parametrize("logits, y", CASES)
def test_ece_matches_numpy(logits, y, n_bins):
    probs = torch.softmax(logits, dim=1)
    assert metrics.expected_calibration_error(probs, y, n_bins) == pytest.approx(
        _numpy_ece(probs.numpy(), y.numpy(), n_bins), abs=1e-12)


def test_reliability_bins():
    probs = torch.tensor([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.45, 0.55], [1.0, 0.0]], dtype=torch.float64)
    y = torch.tensor([0, 1, 1, 0, 0])
    bins = metrics.reliability_bins(probs, y, n_bins=5)
    assert bins.edges.tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert bins.counts.tolist() == [0, 0, 1, 2, 2]  # 0.8 falls in (0.6, 0.8], 1.0 in (0.8, 1.0]
    assert bins.accuracy[2:].tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert bins.confidence[2:].tolist() == pytest.approx([0.55, 0.75, 0.95])
    assert torch.isnan(bins.accuracy[:2]).all() and torch.isnan(bins.confidence[:2]).all()
    assert bins.ece == pytest.approx((0.55 + 2 * 0.25 + 2 * 0.05) / 5)
    assert bins.ece == pytest.approx(_numpy_ece(probs, y, 5))


def test_nll_matches_cross_entropy_and_numpy():
    logits, y = _realistic_case(5, n=100)
    direct = -np.mean(np.log(torch.softmax(logits / 1.7, 1).numpy()[np.arange(100), y.numpy()]))
    assert metrics.nll(logits, y, temperature=1.7) == pytest.approx(direct, rel=1e-10)
    assert metrics.nll(logits.float(), y) == pytest.approx(torch.nn.functional.cross_entropy(logits, y).item(),
                                                           rel=1e-6)


@pytest.mark.parametrize("true_t", [0.5, 2.0, 3.0])
def test_temperature_scaling_recovers_a_known_temperature(true_t):
    g = torch.Generator().manual_seed(6)
    z = 3 * torch.randn(2000, 10, generator=g, dtype=torch.float64)
    y = torch.multinomial(torch.softmax(z, dim=1), 1, generator=g).squeeze(1)  # labels drawn from softmax(z)
    logits = z * true_t  # miscalibrated: the model's logits are true_t times too large (or small)
    t = metrics.fit_temperature(logits, y)
    assert t == pytest.approx(true_t, rel=0.05)
    assert metrics.nll(logits, y, t) < metrics.nll(logits, y)
    assert metrics.nll(logits, y, t) <= min(metrics.nll(logits, y, t * f) for f in (0.9, 0.99, 1.01, 1.1))


@pytest.mark.parametrize("logits, y", CASES[2:])
def test_temperature_scaling_lowers_validation_nll_and_keeps_predictions(logits, y):
    overconfident = 4 * logits
    t = metrics.fit_temperature(overconfident, y)
    assert t > 1
    assert metrics.nll(overconfident, y, t) < metrics.nll(overconfident, y)
    assert torch.equal((overconfident / t).argmax(1), overconfident.argmax(1))
    probs_before, probs_after = torch.softmax(overconfident, 1), torch.softmax(overconfident / t, 1)
    assert metrics.expected_calibration_error(probs_after, y) < metrics.expected_calibration_error(probs_before, y)


def test_predict_helpers_collect_every_batch_on_the_model_device():
    g = torch.Generator().manual_seed(7)
    X, y = torch.rand(50, 1, 4, 4, generator=g), torch.randint(3, (50,), generator=g)
    net = softmax_regression(16, 3, seed=0)
    logits, labels = metrics.predict_logits(net, TensorLoader(X, y, batch_size=8))
    assert logits.shape == (50, 3) and torch.equal(labels, y) and not logits.requires_grad
    assert torch.allclose(logits, net(X))
    probs, labels = metrics.predict_probs(net, TensorLoader(X, y, batch_size=8), temperature=2.0)
    assert torch.allclose(probs, torch.softmax(net(X) / 2, dim=1)) and torch.equal(labels, y)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_metrics_run_on_the_gpu():
    logits, y = _realistic_case(8)
    cuda_logits, cuda_y = logits.cuda(), y.cuda()
    net = softmax_regression(C, C, seed=0, device="cuda")
    out, labels = metrics.predict_logits(net, TensorLoader(cuda_logits.float(), cuda_y, 64))
    assert out.device.type == "cuda" and labels.device.type == "cuda"
    assert torch.equal(metrics.confusion_matrix(cuda_y, cuda_logits, C).cpu(), metrics.confusion_matrix(y, logits, C))
    probs, cuda_probs = torch.softmax(logits, 1), torch.softmax(cuda_logits, 1)
    assert metrics.roc_auc_ovr(cuda_probs, cuda_y)[1] == pytest.approx(metrics.roc_auc_ovr(probs, y)[1])
    assert metrics.expected_calibration_error(cuda_probs, cuda_y) == pytest.approx(
        metrics.expected_calibration_error(probs, y))
    assert metrics.fit_temperature(cuda_logits, cuda_y) == pytest.approx(metrics.fit_temperature(logits, y), rel=1e-6)


def test_plots_return_figures_and_leave_global_state_alone():
    import matplotlib
    import matplotlib.pyplot as plt

    from d2lmini import plot
    rc_before = dict(matplotlib.rcParams)
    logits, y = _realistic_case(9)
    cm = metrics.confusion_matrix(y, logits, C)
    fig = plot.plot_confusion_matrix(cm, [f"class {i}" for i in range(C)])
    assert isinstance(fig, matplotlib.figure.Figure)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == C * C and str(int(cm[0, 0])) in texts
    fig2 = plot.plot_reliability(metrics.reliability_bins(torch.softmax(logits, 1), y))
    assert isinstance(fig2, matplotlib.figure.Figure) and fig2.axes[0].get_xlabel() == "confidence"
    fig3, axes = plt.subplots(1, 2)
    assert plot.plot_reliability(metrics.reliability_bins(torch.softmax(logits, 1), y), ax=axes[1]) is fig3
    assert dict(matplotlib.rcParams) == rc_before
    for f in (fig, fig2, fig3):
        plt.close(f)


def test_temperature_matches_a_scalar_minimiser_and_handles_degenerate_logits():
    optimize = pytest.importorskip("scipy.optimize")
    logits, y = _realistic_case(10, n=1000)
    z, labels = 3 * logits.numpy(), y.numpy()

    def nll_numpy(t):
        s = z / t
        s = s - s.max(axis=1, keepdims=True)
        return np.mean(np.log(np.exp(s).sum(axis=1)) - s[np.arange(len(labels)), labels])

    best = optimize.minimize_scalar(nll_numpy, bounds=(0.05, 20), method="bounded", options={"xatol": 1e-10})
    assert metrics.fit_temperature(3 * logits, y) == pytest.approx(best.x, rel=1e-6)
    assert metrics.fit_temperature(torch.zeros(4, 3), torch.tensor([0, 1, 2, 0])) == math.inf
