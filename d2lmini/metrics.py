"""Evaluation beyond accuracy: confusion matrix, precision/recall/F1, ROC-AUC, calibration, temperature."""
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .checks import (
    check_confusion_matrix,
    check_labels,
    check_logits,
    check_nonnegative_int,
    check_positive_int,
    check_positive_number,
    check_probabilities,
    check_same_length,
    check_tensor,
)
from .training import model_device, set_mode

__all__ = [
    "predict_logits", "predict_probs", "confusion_matrix", "most_confused_pairs", "precision_recall_f1",
    "roc_auc_ovr", "ReliabilityBins", "reliability_bins", "expected_calibration_error", "nll",
    "fit_temperature",
]


def predict_logits(net, data_iter, device=None):
    """All logits and labels of a data set as (logits, y) on the device (device=None: the model's own)."""
    device = device or model_device(net)
    set_mode(net, False)
    logits, labels = [], []
    with torch.no_grad():
        for X, y in data_iter:
            logits.append(net(X.to(device)))
            labels.append(y.to(device))
    if not logits:
        raise ValueError("the data iterator yielded no batches: there is nothing to predict")
    return torch.cat(logits), torch.cat(labels)


def predict_probs(net, data_iter, device=None, temperature=1.0):
    """All predicted probabilities softmax(logits / temperature) and labels as (probs, y)."""
    temperature = check_positive_number(temperature, "temperature")
    logits, y = predict_logits(net, data_iter, device)
    return torch.softmax(logits / temperature, dim=1), y


def _as_labels(y, name):
    """Class indices from indices, or from scores/probabilities (one row per example) by argmax."""
    y = check_tensor(y, name)
    if y.dim() > 1:
        return check_logits(y, name, allow_empty=True).argmax(dim=1)
    return check_labels(y, name)


def confusion_matrix(y_true, y_pred, num_classes=None):
    """Counts C[i, j] of examples of true class i predicted as class j (y_pred may hold scores)."""
    y_true = _as_labels(y_true, "y_true")
    y_pred = _as_labels(y_pred, "y_pred").to(y_true.device)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has shape {tuple(y_true.shape)} but y_pred {tuple(y_pred.shape)}")
    both = torch.cat([y_true, y_pred])
    if num_classes is not None:
        num_classes = check_positive_int(num_classes, "num_classes")
    if num_classes is None:
        num_classes = int(both.max()) + 1 if both.numel() else 0
    if both.numel() and not 0 <= int(both.min()) <= int(both.max()) < num_classes:
        raise ValueError(f"labels must lie in [0, {num_classes - 1}], got [{int(both.min())}, {int(both.max())}]")
    counts = torch.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def most_confused_pairs(cm, k=5):
    """The k largest off-diagonal cells as (true class, predicted class, count), largest first, zeros left out."""
    cm = check_confusion_matrix(cm)
    k = check_nonnegative_int(k, "k")
    off = cm.clone().fill_diagonal_(0).flatten()
    counts, idx = torch.sort(off, descending=True, stable=True)
    n = cm.shape[1]
    return [(int(i) // n, int(i) % n, int(c)) for c, i in zip(counts[:k], idx[:k]) if c > 0]


def _safe_div(num, den):
    """num / den elementwise, 0 where den is 0 (scikit-learn's zero_division=0)."""
    return torch.where(den > 0, num / den.clamp(min=1), torch.zeros_like(num))


def precision_recall_f1(cm, average=None):
    """Precision, recall, F1 and support from a confusion matrix: per class (average=None), 'macro' or 'micro'."""
    cm = check_confusion_matrix(cm).double()
    tp, support, predicted = cm.diagonal(), cm.sum(dim=1), cm.sum(dim=0)
    fp, fn = predicted - tp, support - tp
    if average == "micro":
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
    elif average not in (None, "macro"):
        raise ValueError(f"average must be None, 'macro' or 'micro', got {average!r}")
    precision, recall = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
    f1 = _safe_div(2 * tp, 2 * tp + fp + fn)
    if average is None:
        return precision, recall, f1, support.long()
    if average == "macro":
        precision, recall, f1 = precision.mean(), recall.mean(), f1.mean()
    return precision.item(), recall.item(), f1.item(), int(support.sum())


def _average_ranks(x):
    """1-based ranks of the entries of a 1-D tensor, tied values sharing the mean of their ranks."""
    sorted_x, order = torch.sort(x)
    _, inverse, counts = torch.unique_consecutive(sorted_x, return_inverse=True, return_counts=True)
    ends = counts.cumsum(0).double()
    ranks = torch.empty(x.shape, dtype=torch.float64, device=x.device)
    ranks[order] = (ends - (counts.double() - 1) / 2)[inverse]
    return ranks


def _binary_auc(scores, positive):
    """ROC-AUC of scores for a boolean target: the Mann-Whitney probability that a positive outranks a negative."""
    n_pos = int(positive.sum())
    n_neg = positive.numel() - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    rank_sum = _average_ranks(scores)[positive].sum().item()
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def roc_auc_ovr(probs, y):
    """One-vs-rest ROC-AUC as (per-class tensor, macro mean); NaN for a class missing or alone in y."""
    probs = check_logits(probs, "probs")
    y = check_labels(y, "y", probs.shape[1]).to(probs.device)
    check_same_length(probs, y, "probs", "y")
    per_class = torch.tensor([_binary_auc(probs[:, c].double(), y == c) for c in range(probs.shape[1])],
                             dtype=torch.float64)
    return per_class, torch.nanmean(per_class).item()


@dataclass
class ReliabilityBins:
    """Equal-width confidence bins: edges, example counts, and mean accuracy and confidence per bin (NaN if empty)."""
    edges: torch.Tensor
    counts: torch.Tensor
    accuracy: torch.Tensor
    confidence: torch.Tensor

    @property
    def ece(self):
        """Expected calibration error: the count-weighted mean gap |accuracy - confidence|."""
        weights = self.counts.double() / self.counts.sum().clamp(min=1)
        return torch.nansum(weights * (self.accuracy - self.confidence).abs()).item()


def reliability_bins(probs, y, n_bins=15):
    """Bin the examples by confidence max(probs) into n_bins intervals (lo, hi] of [0, 1]."""
    n_bins = check_positive_int(n_bins, "n_bins")
    probs = check_probabilities(probs).double()
    y = check_labels(y, "y", probs.shape[1]).to(probs.device)
    check_same_length(probs, y, "probs", "y")
    confidence, y_hat = probs.max(dim=1)
    correct = (y_hat == y).double()
    edges = torch.linspace(0, 1, n_bins + 1, dtype=torch.float64, device=probs.device)
    idx = torch.bucketize(confidence, edges[1:-1])
    zeros = torch.zeros(n_bins, dtype=torch.float64, device=probs.device)
    counts = zeros.index_add(0, idx, torch.ones_like(confidence))
    nan = torch.full_like(zeros, float("nan"))

    def mean(values):
        return torch.where(counts > 0, zeros.index_add(0, idx, values) / counts.clamp(min=1), nan)

    return ReliabilityBins(edges.cpu(), counts.long().cpu(), mean(correct).cpu(), mean(confidence).cpu())


def expected_calibration_error(probs, y, n_bins=15):
    """ECE: sum over confidence bins of (bin share) * |accuracy - mean confidence| (Guo et al., 2017)."""
    return reliability_bins(probs, y, n_bins).ece


def nll(logits, y, temperature=1.0):
    """Mean negative log-likelihood of labels y under softmax(logits / temperature), in float64."""
    logits = check_logits(logits, "logits").double()
    y = check_labels(y, "y", logits.shape[1]).to(logits.device)
    check_same_length(logits, y, "logits", "y")
    return F.cross_entropy(logits / check_positive_number(temperature, "temperature"), y).item()


def _nll_derivatives(logits, y, beta):
    """First and second derivative in beta of the mean NLL of softmax(beta * logits): E_p[z] - z_y and Var_p[z]."""
    p = torch.softmax(beta * logits, dim=1)
    mean_z = (p * logits).sum(dim=1, keepdim=True)
    var_z = (p * (logits - mean_z) ** 2).sum(dim=1)
    z_y = logits.gather(1, y[:, None])
    return (mean_z - z_y).mean().item(), var_z.mean().item()


def fit_temperature(logits_val, y_val, max_iter=100):
    """The temperature T minimising the validation NLL of softmax(logits / T): safeguarded Newton on 1 / T."""
    logits = check_logits(logits_val, "logits_val").double()
    y = check_labels(y_val, "y_val", logits.shape[1]).to(logits.device)
    check_same_length(logits, y, "logits_val", "y_val")
    if _nll_derivatives(logits, y, 0.0)[0] >= 0:
        return math.inf  # the logits carry no usable signal: uniform predictions are best
    lo, hi, beta = 0.0, math.inf, 1.0  # the NLL is convex in beta, so its slope brackets the minimum
    for _ in range(max_iter):
        slope, curvature = _nll_derivatives(logits, y, beta)
        lo, hi = (beta, hi) if slope < 0 else (lo, beta)
        step = beta - slope / curvature if curvature > 0 else math.nan
        if abs(step - beta) <= 1e-12 * beta:
            break
        beta = step if lo < step < hi else (2 * beta if hi == math.inf else (lo + hi) / 2)
    return 1 / beta
