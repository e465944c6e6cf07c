"""Lesson 06: typical wrong answers, lazy answers and correct alternatives, with the message each must get."""
from exercise_cases import PASS, Case

EX2, EX3, EX4, EX5, EX6 = (f"nb06-ex{k}-solution" for k in range(2, 7))

CASES = [
    # exercise 2: macro_f1
    Case(EX2, """
def macro_f1(cm):
    tp = cm.diagonal()
    f1 = 2 * tp / (2 * tp + (cm.sum(0) - tp) + (cm.sum(1) - tp))
    return torch.nan_to_num(f1).mean().item()
""", PASS, "float32 from int64 counts (issue 14: was rejected at 1e-9)"),
    Case(EX2, """
def macro_f1(cm):
    cm = np.asarray(cm, dtype=np.float64)
    tp = np.diag(cm)
    precision = np.divide(tp, cm.sum(0), out=np.zeros_like(tp), where=cm.sum(0) > 0)
    recall = np.divide(tp, cm.sum(1), out=np.zeros_like(tp), where=cm.sum(1) > 0)
    den = precision + recall
    f1 = np.divide(2 * precision * recall, den, out=np.zeros_like(tp), where=den > 0)
    return float(f1.mean())
""", PASS, "numpy, through precision and recall"),
    Case(EX2, """
def macro_f1(cm):
    p, r, f1, _ = metrics.precision_recall_f1(cm)
    return float(f1.mean())
""", PASS, "the lesson's own function is allowed here"),
    Case(EX2, """
def macro_f1(cm):
    tp = cm.diagonal()
    f1 = 2 * tp / (2 * tp + (cm.sum(0) - tp) + (cm.sum(1) - tp))
    return f1.mean().item()
""", "what does this notebook do when a denominator is zero", "0/0 gives nan"),
    Case(EX2, """
def macro_f1(cm):
    cm = cm.double()
    tp = cm.diagonal()
    precision, recall = tp / cm.sum(0), tp / cm.sum(1)
    return (2 * precision * recall / (precision + recall)).mean().item()
""", "what does this notebook do when a denominator is zero", "precision of a never-predicted class is 0/0"),
    Case(EX2, """
def macro_f1(cm):
    cm = cm.double()
    tp = cm.diagonal()
    f1 = 2 * tp / (2 * tp + (cm.sum(0) - tp) + (cm.sum(1) - tp))
    return f1[cm.sum(1) > 0].mean().item()
""", "a class with no examples still counts", "drops the class without examples"),
    Case(EX2, """
def macro_f1(cm):
    cm = cm.double()
    return (cm.trace() / cm.sum()).item()
""", "that is the accuracy", "micro average"),
    Case(EX2, """
def macro_f1(cm):
    cm = cm.double()
    tp = cm.diagonal()
    f1 = torch.nan_to_num(2 * tp / (2 * tp + (cm.sum(0) - tp) + (cm.sum(1) - tp)))
    return ((f1 * cm.sum(1)).sum() / cm.sum()).item()
""", "weighs the classes by their number of examples", "support-weighted average"),
    Case(EX2, """
def macro_f1(cm):
    return 0.95 / 3
""", "random 6-class matrix", "hard-coded visible edge value"),
    Case(EX2, """
def macro_f1(cm):
    return 0.95 / 3 if len(cm) == 4 else 0.65327984
""", "another (8-class) matrix", "both visible values hard-coded"),
    Case(EX2, """
def macro_f1(cm):
    cm = cm.double()
    tp = cm.diagonal()
    f1 = torch.nan_to_num(2 * tp / (2 * tp + (cm.sum(0) - tp) + (cm.sum(1) - tp)))
    return f1.mean()
""", "return a Python float, not Tensor", "a tensor, not a float"),
    # exercise 3: my_ece
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    confidence, y_hat = probs.float().max(dim=1)
    correct = (y_hat == y).float()
    edges = torch.linspace(0, 1, n_bins + 1)
    ece = torch.zeros(())
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.sum() > 0:
            ece += in_bin.float().mean() * (correct[in_bin].mean() - confidence[in_bin].mean()).abs()
    return ece
""", PASS, "float32 throughout, tensor result (issue 14: was rejected at 1e-9)"),
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    confidence, y_hat = probs.max(dim=1)
    correct = (y_hat == y).double()
    idx = torch.bucketize(confidence, torch.linspace(0, 1, n_bins + 1, dtype=confidence.dtype)[1:-1])
    total = 0.0
    for b in idx.unique():
        m = idx == b
        total += m.sum().item() * abs(correct[m].mean().item() - confidence[m].mean().item())
    return total / len(y)
""", PASS, "bucketize"),
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    return metrics.expected_calibration_error(probs, y, n_bins)
""", "my_ece uses metrics.", "the forbidden library call (issue 14)"),
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    from d2lmini import metrics as m
    return m.reliability_bins(probs, y, n_bins).ece
""", "reliability_bins", "the forbidden library call under another name"),
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    confidence, y_hat = probs.max(dim=1)
    correct = (y_hat == y).double()
    idx = (confidence * n_bins).long().clamp(max=n_bins - 1)
    total = 0.0
    for b in idx.unique():
        m = idx == b
        total += m.sum().item() * abs(correct[m].mean().item() - confidence[m].mean().item())
    return total / len(y)
""", "exactly on bin edges", "bins [lo, hi) (issue 14: the rule had no visible case)"),
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    confidence, y_hat = probs.max(dim=1)
    correct = (y_hat == y).double()
    ece = 0.0
    for k in range(n_bins):
        m = (confidence > k / n_bins) & (confidence <= (k + 1) / n_bins)
        ece += m.double().mean().item() * abs(correct[m].mean().item() - confidence[m].mean().item())
    return ece
""", "what should an empty bin add", "the mean of an empty bin is nan"),
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    confidence, y_hat = probs.max(dim=1)
    correct = (y_hat == y).double()
    gaps = []
    for k in range(n_bins):
        m = (confidence > k / n_bins) & (confidence <= (k + 1) / n_bins)
        if m.any():
            gaps.append(abs(correct[m].mean().item() - confidence[m].mean().item()))
    return sum(gaps) / len(gaps)
""", "in proportion to its number of examples", "plain mean over bins"),
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    confidence, y_hat = probs.max(dim=1)
    correct = (y_hat == y).double()
    ece = 0.0
    for k in range(n_bins):
        m = (confidence > k / n_bins) & (confidence <= (k + 1) / n_bins)
        if m.any():
            ece += m.double().mean().item() * (correct[m].mean().item() - confidence[m].mean().item())
    return abs(ece)
""", "gaps of opposite sign cancel", "signed gaps"),
    Case(EX3, """
def my_ece(probs, y, n_bins=15):
    _, y_hat = probs.max(dim=1)
    confidence = probs[torch.arange(len(y)), y]
    correct = (y_hat == y).double()
    ece = 0.0
    for k in range(n_bins):
        m = (confidence > k / n_bins) & (confidence <= (k + 1) / n_bins)
        if m.any():
            ece += m.double().mean().item() * abs(correct[m].mean().item() - confidence[m].mean().item())
    return ece
""", "probability of the predicted class", "confidence of the true class"),
    # exercise 4: find the bugs in nll_curve
    Case(EX4, """
def nll_curve(logits, y, temperatures):
    return torch.stack([torch.log_softmax(logits / T, dim=1)[torch.arange(len(y)), y].mean().neg()
                        for T in temperatures])
""", PASS, "log_softmax and fancy indexing, a tensor of float32"),
    Case(EX4, """
def nll_curve(logits, y, temperatures):
    return [nn.functional.cross_entropy(logits.double() / float(T), y).item() for T in temperatures]
""", PASS, "a list of Python floats"),
    Case(EX4, """
def nll_curve(logits, y, temperatures):
    curve = []
    for T in temperatures:
        logits /= T
        curve.append(nn.functional.cross_entropy(logits, y).item())
    return torch.tensor(curve)
""", "changed the logits it was given", "in-place /= kept (issue 14)"),
    Case(EX4, """
def nll_curve(logits, y, temperatures):
    curve = []
    for T in temperatures:
        curve.append(nn.functional.cross_entropy(logits / T, y, reduction="sum").item())
    return torch.tensor(curve)
""", "times too large", "sum instead of mean (issue 14)"),
    Case(EX4, """
def nll_curve(logits, y, temperatures):
    curve = []
    for T in temperatures:
        logits = logits / T
        curve.append(nn.functional.cross_entropy(logits, y).item())
    return torch.tensor(curve)
""", "the first value is right, the later ones are not", "out of place, but still divides the divided logits"),
    Case(EX4, """
def nll_curve(logits, y, temperatures):
    return torch.tensor([12.576725, 6.5421820, 4.6491473])
""", "50 float64 logits", "hard-coded visible curve"),
    # exercise 5: predict the temperature of logits c times ours
    Case(EX5, """
def predicted_temperature(T, c):
    return T * c


same_after_scaling = bool(1)
""", PASS, "the same answer written differently"),
    Case(EX5, """
def predicted_temperature(T, c):
    return T / c


same_after_scaling = True
""", "should its temperature be larger or smaller", "the wrong direction"),
    Case(EX5, """
def predicted_temperature(T, c):
    return T


same_after_scaling = True
""", "not the temperature that fitting finds", "thinks the temperature is a property of the data"),
    Case(EX5, """
def predicted_temperature(T, c):
    return c * T


same_after_scaling = False
""", "to verify", "predicts that the scaled models differ"),
    Case(EX5, """
def predicted_temperature(T, c):
    return 2.5680 if c == 3 else c


same_after_scaling = True
""", "the prediction for T = 0.7", "hard-coded visible value"),
    # exercise 6: decide under costs
    Case(EX6, """
cost = torch.tensor([[0.0, 1.0, 5.0], [2.0, 0.0, 3.0], [50.0, 20.0, 0.0]])


def decide(probs, cost, refer_cost):
    expected = np.asarray(probs, dtype=np.float64) @ np.asarray(cost, dtype=np.float64)
    best = expected.argmin(axis=1)
    return [int(b) if expected[i, b] <= refer_cost else -1 for i, b in enumerate(best)]
""", PASS, "numpy, a list of ints"),
    Case(EX6, """
cost = torch.tensor([[0.0, 1.0, 5.0], [2.0, 0.0, 3.0], [50.0, 20.0, 0.0]])


def decide(probs, cost, refer_cost):
    expected = (probs[:, :, None] * cost[None, :, :]).sum(dim=1)
    options = torch.cat([expected, torch.full((len(probs), 1), refer_cost, dtype=expected.dtype)], dim=1)
    choice = options.argmin(dim=1)
    return torch.where(choice == cost.shape[1], -1, choice)
""", PASS, "refer as an extra column (argmin takes the first of a tie)"),
    Case(EX6, """
cost = torch.tensor([[0.0, 1.0, 5.0], [2.0, 0.0, 3.0], [50.0, 20.0, 0.0]])


def decide(probs, cost, refer_cost):
    return probs.argmax(dim=1)
""", "you chose the most probable condition", "ignores the costs"),
    Case(EX6, """
cost = torch.tensor([[0.0, 1.0, 5.0], [2.0, 0.0, 3.0], [50.0, 20.0, 0.0]])


def decide(probs, cost, refer_cost):
    expected = probs.double() @ cost.double().T
    best_cost, best = expected.min(dim=1)
    return torch.where(best_cost > refer_cost, -1, best)
""", "check which index your sum runs over", "cost matrix transposed"),
    Case(EX6, """
cost = torch.tensor([[0.0, 1.0, 5.0], [2.0, 0.0, 3.0], [50.0, 20.0, 0.0]])


def decide(probs, cost, refer_cost):
    return (probs.double() @ cost.double()).argmin(dim=1)
""", "every decision is expected to cost more than a second look", "never refers"),
    Case(EX6, """
cost = torch.tensor([[0.0, 1.0, 5.0], [2.0, 0.0, 3.0], [50.0, 20.0, 0.0]])


def decide(probs, cost, refer_cost):
    best_cost, best = (probs.double() @ cost.double()).min(dim=1)
    return torch.where(best_cost >= refer_cost, -1, best)
""", "refer only when referring is strictly cheaper", "ties referred"),
    Case(EX6, """
cost = torch.tensor([[0.0, 1.0, 5.0], [2.0, 0.0, 3.0], [50.0, 20.0, 0.0]])


def decide(probs, cost, refer_cost):
    confidence, best = probs.max(dim=1)
    return torch.where(confidence < 0.6, -1, best)
""", "you chose the most probable condition", "a confidence threshold instead of costs"),
    Case(EX6, """
cost = torch.tensor([[0.0, 1.0, 5.0], [2.0, 0.0, 3.0], [50.0, 20.0, 0.0]])


def decide(probs, cost, refer_cost):
    return torch.tensor([1, 2, -1, 2, 1])[:len(probs)] if len(probs) > 1 else torch.tensor([1])
""", "a 4-class problem with other costs", "hard-coded visible decisions"),
]
