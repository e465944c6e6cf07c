"""Notebook 12: typical wrong answers, lazy answers and correct alternatives, with the message each must get."""
from exercise_cases import PASS, Case

REFERENCE_BISECT = """def sparsemax_bisect(Z, num_iters=50):
    hi = Z.max(dim=-1, keepdim=True).values
    lo = hi - 1
    for _ in range(num_iters):
        tau = (lo + hi) / 2
        too_low = (Z - tau).clamp(min=0).sum(dim=-1, keepdim=True) > 1
        lo, hi = torch.where(too_low, tau, lo), torch.where(too_low, hi, tau)
    support = Z > (lo + hi) / 2
    tau = ((Z * support).sum(dim=-1, keepdim=True) - 1) / support.sum(dim=-1, keepdim=True)
    return (Z - tau).clamp(min=0)
"""

CASES = [
    # Exercise 1: sparsemax by bisection
    Case("nb12-ex1-solution", REFERENCE_BISECT, PASS, "the reference"),
    Case("nb12-ex1-solution", """def sparsemax_bisect(Z, num_iters=60):
    hi = Z.amax(dim=1, keepdim=True)
    lo = hi - 1.0
    for _ in range(num_iters):
        mid = 0.5 * (lo + hi)
        mass = torch.relu(Z - mid).sum(dim=1, keepdim=True)
        lo = torch.where(mass > 1, mid, lo)
        hi = torch.where(mass > 1, hi, mid)
    inside = (Z > 0.5 * (lo + hi)).to(Z.dtype)
    tau = ((Z * inside).sum(dim=1, keepdim=True) - 1) / inside.sum(dim=1, keepdim=True)
    return torch.relu(Z - tau)
""", PASS, "relu, amax, explicit float masks"),
    Case("nb12-ex1-solution", """def sparsemax_bisect(Z, num_iters=50):
    return sparsemax(Z)
""", "calls the lesson's sparsemax", "the lesson's function"),
    Case("nb12-ex1-solution", """def sparsemax_bisect(Z, num_iters=50):
    Z_sorted = Z.sort(dim=-1, descending=True).values
    k = torch.arange(1, Z.shape[-1] + 1, dtype=Z.dtype)
    cumsum = Z_sorted.cumsum(dim=-1)
    support = (1 + k * Z_sorted > cumsum).sum(dim=-1, keepdim=True)
    tau = (cumsum.gather(-1, support - 1) - 1) / support
    return (Z - tau).clamp(min=0)
""", "torch.Tensor.sort is not allowed here", "the sorting algorithm copied"),
    Case("nb12-ex1-solution",
         REFERENCE_BISECT.replace("lo, hi = torch.where(too_low, tau, lo), torch.where(too_low, hi, tau)",
                                  "lo, hi = torch.where(too_low, lo, tau), torch.where(too_low, tau, hi)"),
         "the row sums", "bisection moves the wrong end"),
    Case("nb12-ex1-solution", REFERENCE_BISECT.replace("return (Z - tau).clamp(min=0)", "return Z - tau"),
         "some probabilities are negative", "no clamp at zero"),
    Case("nb12-ex1-solution", """def sparsemax_bisect(Z, num_iters=50):
    return torch.softmax(Z, dim=-1)
""", "one clear winner", "softmax instead of sparsemax"),
    # Exercise 2: the sign of the log Q correction
    Case("nb12-ex2-solution", """def uniform_sampled_loss(o, y, neg):
    o_neg = o[neg] - math.log(len(neg) / len(o))
    o_neg = o_neg[neg != y]
    return torch.logsumexp(torch.cat([o[y].reshape(1), o_neg]), dim=0) - o[y]
""", PASS, "the reference"),
    Case("nb12-ex2-solution", """def uniform_sampled_loss(o, y, neg):
    K, C = neg.numel(), o.numel()
    o_neg = (o[neg] + math.log(C) - math.log(K)).masked_fill(neg == y, -math.inf)
    return -torch.log_softmax(torch.cat([o[y].view(1), o_neg]), dim=0)[0]
""", PASS, "masked_fill and log_softmax"),
    Case("nb12-ex2-solution", """def uniform_sampled_loss(o, y, neg):
    o_neg = o[neg] + math.log(len(neg) / len(o))
    o_neg = o_neg[neg != y]
    return torch.logsumexp(torch.cat([o[y].reshape(1), o_neg]), dim=0) - o[y]
""", "the mean of 400 estimates", "the given bug left in place"),
    Case("nb12-ex2-solution", """def uniform_sampled_loss(o, y, neg):
    o_neg = o[neg] - math.log(len(neg) / len(o))
    return torch.logsumexp(torch.cat([o[y].reshape(1), o_neg]), dim=0) - o[y]
""", "two accidental hits", "accidental hits kept"),
    Case("nb12-ex2-solution", """def uniform_sampled_loss(o, y, neg):
    keep = neg[neg != y]
    o_neg = o[keep] - math.log(len(keep) / len(o))
    return torch.logsumexp(torch.cat([o[y].reshape(1), o_neg]), dim=0) - o[y]
""", "two accidental hits", "K counts only the kept negatives"),
    Case("nb12-ex2-solution", """def uniform_sampled_loss(o, y, neg):
    o_neg = o[neg] - math.log(len(neg) / len(o))
    o_neg = o_neg[neg != y]
    return (torch.logsumexp(torch.cat([o[y].reshape(1), o_neg]), dim=0) - o[y]).item()
""", "return a scalar tensor", "a Python float"),
    Case("nb12-ex2-solution", """def uniform_sampled_loss(o, y, neg):
    return torch.logsumexp(o, dim=0) - o[y]
""", "does not change with the negatives", "the exact loss: the negatives ignored"),
    # Exercise 3: how many classes fit
    Case("nb12-ex3-solution", """def largest_C(B, budget_bytes, bytes_per_value=4):
    return int(budget_bytes // (3 * bytes_per_value * B))
""", PASS, "the reference"),
    Case("nb12-ex3-solution", """import math
def largest_C(B, budget_bytes, bytes_per_value=4):
    return math.floor(budget_bytes / (3 * B * bytes_per_value))
""", PASS, "math.floor of a float division"),
    Case("nb12-ex3-solution", """def largest_C(B, budget_bytes, bytes_per_value=4):
    return budget_bytes // (bytes_per_value * B)
""", "leave room for one B x C matrix only", "one matrix instead of three"),
    Case("nb12-ex3-solution", """def largest_C(B, budget_bytes, bytes_per_value=4):
    return budget_bytes / (3 * bytes_per_value * B)
""", "return a Python int", "a float"),
    Case("nb12-ex3-solution", """def largest_C(B, budget_bytes, bytes_per_value=4):
    return round(budget_bytes / (3 * bytes_per_value * B))
""", "only whole classes fit", "rounded to nearest"),
    Case("nb12-ex3-solution", """def largest_C(B, budget_bytes, bytes_per_value=4):
    return budget_bytes // (12 * B)
""", "hidden case, float16", "bytes_per_value ignored"),
    Case("nb12-ex3-solution", """def largest_C(B, budget_bytes, bytes_per_value=4):
    return 325_520 if budget_bytes == 10**9 else 2
""", "hidden case", "hard-coded visible values"),
    # Exercise 4: one int8 scale for the whole matrix
    Case("nb12-ex4-solution", """def quantize_tensor(W):
    scale = W.abs().max().clamp(min=1e-12) / 127
    return torch.round(W / scale).to(torch.int8), scale
""", PASS, "the reference"),
    Case("nb12-ex4-solution", """def quantize_tensor(W):
    s = float(W.abs().max()) / 127
    if s == 0:
        return torch.zeros_like(W, dtype=torch.int8), 1.0
    return (W / s).round().clamp(-127, 127).to(torch.int8), s
""", PASS, "a Python float scale and a zero guard"),
    Case("nb12-ex4-solution", """def quantize_tensor(W):
    scale = W.abs().amax(dim=1).clamp(min=1e-12) / 127
    return torch.round(W / scale[:, None]).to(torch.int8), scale
""", "one scale for the whole matrix, got 10 scales", "quantize_rows copied"),
    Case("nb12-ex4-solution", """def quantize_tensor(W):
    scale = W.abs().max().clamp(min=1e-12) / 127
    return (W / scale).to(torch.int8), scale
""", "steps of the scale", "truncation instead of rounding"),
    Case("nb12-ex4-solution", """def quantize_tensor(W):
    scale = W.abs().max().clamp(min=1e-12) / 128
    return torch.round(W / scale).to(torch.int8), scale
""", "the scale", "divided by 128"),
    Case("nb12-ex4-solution", """def quantize_tensor(W):
    scale = W.std() / 127
    return torch.round(W / scale).clamp(-127, 127).to(torch.int8), scale
""", "the scale", "a scale from the standard deviation"),
]
