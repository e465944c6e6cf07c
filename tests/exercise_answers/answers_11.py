"""Lesson 11: typical wrong answers, lazy answers and correct alternatives, with the message each must get."""
from exercise_cases import PASS, Case

EX1, EX2, EX3 = (f"nb11-ex{k}-solution" for k in range(1, 4))

ENTROPY_MEANS = """

test_entropy = prediction_entropy(test_probs)
correct = test_preds == y_test
mean_entropy_correct = test_entropy[correct].mean().item()
mean_entropy_wrong = test_entropy[~correct].mean().item()
"""

CASES = [
    # exercise 1: the temperature that gives the top class a chosen probability
    Case(EX1, """
def temperature_for(o, p):
    if not 1 / len(o) < p < 1:
        raise ValueError(p)
    lo, hi = 1e-3, 1e3
    for _ in range(200):
        mid = (lo + hi) / 2
        if torch.softmax(o / mid, dim=0).max() > p:
            hi = mid
        else:
            lo = mid
    return mid
""", "p(top) rise or fall", "bisection in the wrong direction"),
    Case(EX1, """
def temperature_for(o, p):
    if not 1 / len(o) < p < 1:
        raise ValueError(p)
    lo, hi = 0.1, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        if torch.softmax(o / mid, dim=0).max() > p:
            lo = mid
        else:
            hi = mid
    return mid
""", "a very cold T", "searches only the slider's range 0.1 to 10"),
    Case(EX1, """
def temperature_for(o, p):
    lo, hi = 1e-4, 1e4
    for _ in range(200):
        mid = (lo * hi) ** 0.5
        if torch.softmax(o / mid, dim=0).max() > p:
            lo = mid
        else:
            hi = mid
    return mid
""", "did not raise ValueError", "no range check: returns a huge T for p = 1/K"),
    Case(EX1, """
def temperature_for(o, p):
    if not 0 < p < 1:
        raise ValueError(p)
    lo, hi = 1e-4, 1e4
    for _ in range(200):
        mid = (lo * hi) ** 0.5
        if torch.softmax(o / mid, dim=0).max() > p:
            lo = mid
        else:
            hi = mid
    return mid
""", "p = 1/10", "checks (0, 1) instead of (1/K, 1)"),
    Case(EX1, """
def temperature_for(o, p):
    if not 1 / len(o) < p < 1:
        raise ValueError(p)
    return {0.5: 1.84}.get(p, 1.0)
""", "the lesson's logits, p = 0.5", "a guess read off the slider (and hard-coded)"),
    Case(EX1, """
def temperature_for(o, p):
    if not 1 / len(o) < p < 1:
        raise ValueError(p)
    lo, hi = torch.tensor(1e-4), torch.tensor(1e4)
    for _ in range(200):
        mid = (lo * hi).sqrt()
        if torch.softmax(o / mid, dim=0).max() > p:
            lo = mid
        else:
            hi = mid
    return mid
""", PASS, "geometric bisection in float32 tensors"),
    Case(EX1, """
import scipy.optimize


def temperature_for(o, p):
    if p <= 1 / o.numel() or p >= 1:
        raise ValueError(p)
    f = lambda log_t: torch.softmax(o.double() / math.exp(log_t), dim=0).max().item() - p
    return math.exp(scipy.optimize.brentq(f, -20, 20, xtol=1e-12))
""", PASS, "a root finder on log T"),
    # exercise 2: the k most probable labels
    Case(EX2, """
def top_k_labels(probs, k):
    values, indices = torch.topk(probs, k)
    return [(labels[int(i)], v) for v, i in zip(values, indices)]
""", "each pair should be", "probabilities left as tensors"),
    Case(EX2, """
def top_k_labels(probs, k):
    order = probs.argsort()[:k]
    return [(labels[int(i)], float(probs[i])) for i in order]
""", "not the most probable first", "ascending order"),
    Case(EX2, """
def top_k_labels(probs, k):
    values, indices = torch.topk(probs, 3)
    return [(labels[int(i)], float(v)) for v, i in zip(values, indices)]
""", "test image 1, k = 1", "hard-coded k"),
    Case(EX2, """
def top_k_labels(probs, k):
    ranked = sorted(zip(labels, probs.tolist()), key=lambda pair: -pair[1])
    return ranked[:k]
""", PASS, "sorted pairs of Python floats"),
    Case(EX2, """
def top_k_labels(probs, k):
    values, indices = probs.sort(descending=True)
    return [(labels[i], v) for v, i in zip(values[:k].tolist(), indices[:k].tolist())]
""", PASS, "sort and tolist"),
    # exercise 3: entropy with 0 log 0 = 0
    Case(EX3, """
def prediction_entropy(P):
    return -(P * torch.log(P)).sum(dim=1)
""" + ENTROPY_MEANS, "nan where a probability is 0", "0 * log 0 gives nan"),
    Case(EX3, """
def prediction_entropy(P):
    return torch.special.entr(P).sum(dim=1)
""" + ENTROPY_MEANS, "is not allowed here", "the forbidden shortcut of section (a)"),
    Case(EX3, """
def prediction_entropy(P):
    return -(P * torch.log2(torch.where(P > 0, P, 1.0))).sum(dim=1)
""" + ENTROPY_MEANS, "the entropy", "bits instead of nats"),
    Case(EX3, """
def prediction_entropy(P):
    return -(P * torch.log(P + 1e-12)).sum(dim=1)
""" + ENTROPY_MEANS, PASS, "a small epsilon inside the log (accurate to 1e-11)"),
    Case(EX3, """
def prediction_entropy(P):
    return -(P * torch.log(P)).nan_to_num().sum(dim=1)
""" + ENTROPY_MEANS, PASS, "nan_to_num after the product"),
    Case(EX3, """
def prediction_entropy(P):
    logs = torch.zeros_like(P)
    logs[P > 0] = torch.log(P[P > 0])
    return -(P * logs).sum(dim=-1)


test_entropy = prediction_entropy(test_probs)
correct = test_preds == y_test
mean_entropy_correct = test_entropy[correct].mean()
mean_entropy_wrong = test_entropy[~correct].mean()
""", PASS, "masked log, means left as float32 tensors"),
    Case(EX3, """
def prediction_entropy(P):
    return -(P * torch.log(torch.where(P > 0, P, 1.0))).sum(dim=-1)


test_entropy = prediction_entropy(test_probs)
correct = test_preds == y_test
mean_entropy_correct = test_entropy[~correct].mean().item()
mean_entropy_wrong = test_entropy[correct].mean().item()
""", "mean_entropy_correct", "the two groups swapped"),
]
