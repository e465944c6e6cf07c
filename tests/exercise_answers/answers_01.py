"""Typical wrong answers, lazy answers and correct alternatives for the exercises of notebook 01."""
from exercise_cases import PASS, Case


def stable(body):
    """The solution cell of exercise 1 with this function body."""
    return "def stable_softmax(O, dim=-1):\n" + body


def grad(body):
    """The solution cell of exercise 2 with this function body."""
    return "def ce_grad(O, y):\n" + body


TEMPERATURE_PRINT = (
    "\n\nz_scores = torch.tensor([2.0, 1.0, 3.0, 0.5])\n"
    "print(f\"T for a top probability of 0.5: {temperature_for(z_scores, 0.5):.4f}\")\n")


def temperature(body):
    """The solution cell of exercise 3 with this function body (and the cell's print)."""
    return "def temperature_for(z, target):\n" + body + TEMPERATURE_PRINT


def first_nan(body):
    """The solution cell of exercise 4 with this function body."""
    return "def first_nan_logit(dtype):\n" + body


def floor(body):
    """The solution cell of exercise 5 with this function body."""
    return "def softmax_twice_floor(q):\n" + body


RANGE_CHECK = ("    if not 1 / len(z) < target < 1:\n"
               "        raise ValueError('unreachable target')\n")
TOP = ("    def top(T):\n"
       "        return torch.softmax(torch.as_tensor(z, dtype=torch.float64) / T, dim=0).max().item()\n")

CASES = [
    # exercise 1: stable softmax
    Case("nb01-ex1-solution", stable("    e = torch.exp(O - O.amax(dim=dim, keepdim=True))\n"
                                     "    return e / e.sum(dim=dim, keepdim=True)\n"), PASS, "model answer"),
    Case("nb01-ex1-solution", stable("    e = torch.exp(O - O.max(dim=dim, keepdim=True).values)\n"
                                     "    return e / torch.sum(e, dim=dim, keepdim=True)\n"), PASS, "max(...).values"),
    Case("nb01-ex1-solution", stable("    e = (O - O.amax(dim, keepdim=True)).exp_()\n"
                                     "    e /= e.sum(dim, keepdim=True)\n    return e\n"),
         PASS, "in place on a new tensor"),
    Case("nb01-ex1-solution", stable("    shifted = O - O.amax(dim=dim, keepdim=True)\n"
                                     "    total = torch.exp(shifted).sum(dim=dim, keepdim=True)\n"
                                     "    return torch.exp(shifted - torch.log(total))\n"),
         PASS, "through log-sum-exp written by hand"),
    Case("nb01-ex1-solution", stable("    e = torch.exp(O)\n    return e / e.sum(dim=dim, keepdim=True)\n"),
         "nan for the logits (1e4, 0, -1e4)", "naive: no maximum subtracted"),
    Case("nb01-ex1-solution", stable("    e = torch.exp(O - O.amax(dim=-1, keepdim=True))\n"
                                     "    return e / e.sum(dim=-1, keepdim=True)\n"),
         "sum to 1 along the rows", "ignores dim"),
    Case("nb01-ex1-solution", stable("    e = torch.exp(O - O.max(dim=-1, keepdim=True).values)\n"
                                     "    return e / e.sum(dim=dim, keepdim=True)\n"),
         "the constant you subtract must be the same", "max over the wrong dimension (issue 14)"),
    Case("nb01-ex1-solution", stable("    e = torch.exp(O - O.max())\n    return e / e.sum(dim=dim, keepdim=True)\n"),
         "but not for (1e4, 0, -1e4)", "the maximum of the whole tensor"),
    Case("nb01-ex1-solution", stable("    e = torch.exp(O - O.max(dim=dim).values)\n"
                                     "    return e / e.sum(dim=dim, keepdim=True)\n"),
         "do the shapes you combine line up", "keepdim forgotten"),
    Case("nb01-ex1-solution", stable("    O = O.float()\n    e = torch.exp(O - O.amax(dim=dim, keepdim=True))\n"
                                     "    return e / e.sum(dim=dim, keepdim=True)\n"),
         "a float64 input gives", "casts to float32"),
    Case("nb01-ex1-solution", stable("    return torch.softmax(O, dim=dim)\n"), "torch.softmax is not allowed",
         "forbidden shortcut"),
    Case("nb01-ex1-solution", stable("    return O.softmax(dim)\n"), "torch.Tensor.softmax is not allowed",
         "forbidden shortcut (method)"),
    Case("nb01-ex1-solution", stable("    return F.softmax(O, dim=dim)\n"),
         "torch.nn.functional.softmax is not allowed",
         "forbidden shortcut (functional)"),
    Case("nb01-ex1-solution", stable("    return torch.log_softmax(O, dim=dim).exp()\n"),
         "torch.log_softmax is not allowed",
         "forbidden shortcut (log_softmax)"),
    Case("nb01-ex1-solution", stable("    return scratch.softmax(O.transpose(dim, -1)).transpose(dim, -1)\n"),
         "d2lmini.scratch.softmax is not allowed", "forbidden shortcut (d2lmini)"),
    # exercise 2: the gradient without autograd
    Case("nb01-ex2-solution", grad("    P_hat = torch.softmax(O, dim=1)\n"
                                   "    return (P_hat - F.one_hot(y, O.shape[1]).to(O.dtype)) / len(O)\n"),
         PASS, "model answer"),
    Case("nb01-ex2-solution", grad("    G = torch.softmax(O, dim=1).clone()\n"
                                   "    G[torch.arange(len(y)), y] -= 1\n    return G / len(y)\n"),
         PASS, "fancy indexing instead of one_hot"),
    Case("nb01-ex2-solution", grad("    return (scratch.softmax(O) - F.one_hot(y, O.shape[1])) / O.shape[0]\n"),
         PASS, "d2lmini's softmax, int64 one-hot"),
    Case("nb01-ex2-solution", grad("    Y = torch.zeros_like(O)\n    Y[torch.arange(len(y)), y] = 1\n"
                                   "    P = torch.softmax(O, 1)\n"
                                   "    return torch.where(Y > 0, P - 1, P) / len(O)\n"),
         PASS, "torch.where"),
    Case("nb01-ex2-solution", grad("    return (torch.softmax(O, dim=1) - F.one_hot(y)) / len(O)\n"),
         "labels without the last class", "F.one_hot without num_classes (issue 14)"),
    Case("nb01-ex2-solution", grad("    O = O.clone().requires_grad_(True)\n"
                                   "    F.cross_entropy(O, y).backward()\n    return O.grad\n"),
         "torch.Tensor.backward is not allowed", "autograd (backward)"),
    Case("nb01-ex2-solution", grad("    O = O.clone().requires_grad_(True)\n"
                                   "    return torch.autograd.grad(F.cross_entropy(O, y), O)[0]\n"),
         "torch.autograd.grad is not allowed", "autograd (autograd.grad)"),
    Case("nb01-ex2-solution", grad("    return (F.one_hot(y, O.shape[1]) - torch.softmax(O, dim=1)) / len(O)\n"),
         "wrong sign", "truth minus prediction"),
    Case("nb01-ex2-solution", grad("    return torch.softmax(O, dim=1) - F.one_hot(y, O.shape[1])\n"),
         "times too large", "gradient of the sum, not the mean"),
    Case("nb01-ex2-solution", grad("    e = torch.exp(O)\n    P_hat = e / e.sum(dim=1, keepdim=True)\n"
                                   "    return (P_hat - F.one_hot(y, O.shape[1])) / len(O)\n"),
         "not finite for logits of ±1000", "naive softmax"),
    Case("nb01-ex2-solution", grad("    return (torch.softmax(O, dim=0) - F.one_hot(y, O.shape[1])) / len(O)\n"),
         "ce_grad(O, y) against autograd", "softmax over the batch dimension"),
    # exercise 3: a temperature for a given confidence
    Case("nb01-ex3-solution", temperature(
        RANGE_CHECK + TOP +
        "    lo, hi = 1.0, 1.0\n    while top(lo) < target:\n        lo /= 2\n    while top(hi) > target:\n"
        "        hi *= 2\n"
        "    for _ in range(100):\n        mid = (lo + hi) / 2\n"
        "        lo, hi = (mid, hi) if top(mid) > target else (lo, mid)\n    return (lo + hi) / 2\n"),
        PASS, "bisection with a growing bracket"),
    Case("nb01-ex3-solution", temperature(
        RANGE_CHECK + "    z = torch.as_tensor(z, dtype=torch.float32)\n"
        "    lo, hi = 1e-8, 1e8\n    for _ in range(200):\n        mid = (lo * hi) ** 0.5\n"
        "        if torch.softmax(z / mid, dim=0).max() > target:\n            lo = mid\n        else:\n"
        "            hi = mid\n"
        "    return mid\n"),
        PASS, "fixed wide bracket, float32"),
    Case("nb01-ex3-solution", temperature(
        RANGE_CHECK + TOP +
        "    lo, hi = 0.01, 100.0\n    for _ in range(60):\n        mid = (lo + hi) / 2\n"
        "        lo, hi = (mid, hi) if top(mid) > target else (lo, mid)\n    return (lo + hi) / 2\n"),
        "hidden case (target just above 1/q: a large T)", "fixed bracket (0.01, 100) too narrow"),
    Case("nb01-ex3-solution", temperature(
        RANGE_CHECK + TOP +
        "    lo, hi = 1e-3, 1e8\n    for _ in range(200):\n        mid = (lo * hi) ** 0.5\n"
        "        lo, hi = (mid, hi) if top(mid) > target else (lo, mid)\n    return mid\n"),
        "hidden case (two nearly equal scores: a tiny T)", "fixed bracket that cannot reach small temperatures"),
    Case("nb01-ex3-solution", temperature(
        TOP + "    lo, hi = 1e-6, 1e6\n    for _ in range(100):\n        mid = (lo * hi) ** 0.5\n"
        "        lo, hi = (mid, hi) if top(mid) > target else (lo, mid)\n    return mid\n"),
        "target 0.2 below 1/q", "no range check"),
    Case("nb01-ex3-solution", temperature(
        TOP + "    lo, hi = 1.0, 1.0\n    while top(lo) < target:\n        lo /= 2\n"
            "    while top(hi) > target:\n        hi *= 2\n"
        "    for _ in range(100):\n        mid = (lo * hi) ** 0.5\n"
        "        lo, hi = (mid, hi) if top(mid) > target else (lo, mid)\n    return mid\n"),
        "did not finish within", "no range check: the bracket search never ends"),
    Case("nb01-ex3-solution", temperature(
        RANGE_CHECK + TOP +
        "    lo, hi = 1e-6, 1e6\n    for _ in range(100):\n        mid = (lo * hi) ** 0.5\n"
        "        lo, hi = (lo, mid) if top(mid) > target else (mid, hi)\n    return mid\n"),
        "it falls as T grows", "bisection moves the wrong end"),
    Case("nb01-ex3-solution", temperature(
        RANGE_CHECK + "    return {0.5: 1.5514237, 0.99: 0.2171058}[target]\n"),
        "raised KeyError", "hard-coded visible answers"),
    # exercise 4: predict the overflow point
    Case("nb01-ex4-solution", first_nan("    return math.floor(math.log(torch.finfo(dtype).max)) + 1\n"), PASS,
         "model answer"),
    Case("nb01-ex4-solution", first_nan("    return math.ceil(math.log(torch.finfo(dtype).max))\n"), PASS, "ceil"),
    Case("nb01-ex4-solution", first_nan("    return float(int(math.log(torch.finfo(dtype).max)) + 1)\n"), PASS,
         "a whole float"),
    Case("nb01-ex4-solution", first_nan(
        "    return torch.tensor(math.log(torch.finfo(dtype).max)).floor().long() + 1\n"),
         PASS, "a 0-d integer tensor"),
    Case("nb01-ex4-solution", first_nan("    return math.floor(math.log(torch.finfo(dtype).max))\n"),
         "still finite at x = 11", "off by one"),
    Case("nb01-ex4-solution", first_nan("    return math.floor(math.log2(torch.finfo(dtype).max)) + 1\n"),
         "already gives nan at x = 12", "log2 instead of the natural log"),
    Case("nb01-ex4-solution", first_nan("    return {torch.float16: 12, torch.bfloat16: 89}[dtype]\n"),
         "raised KeyError", "hard-coded visible answers (issue 14's KeyError torch.float32)"),
    Case("nb01-ex4-solution", first_nan(
        "    x = 0\n"
        "    while not torch.isnan(scratch.softmax_naive(torch.tensor([[float(x), 0.0]], dtype=dtype))).any():\n"
        "        x += 1\n    return x\n"),
        "d2lmini.scratch.softmax_naive is not allowed", "searching instead of predicting"),
    Case("nb01-ex4-solution", first_nan(
        "    x = 0\n    while torch.isfinite(torch.exp(torch.tensor(float(x), dtype=dtype))):\n        x += 1\n"
        "    return x\n"),
        "torch.exp is not allowed", "searching with torch.exp"),
    Case("nb01-ex4-solution", first_nan("    return str(math.floor(math.log(torch.finfo(dtype).max)) + 1)\n"),
         "return an integer", "a string"),
    # exercise 5: the softmax-twice floor
    Case("nb01-ex5-solution", floor("    return math.log(1 + (q - 1) / math.e)\n"), PASS, "model answer"),
    Case("nb01-ex5-solution", floor("    return math.log1p((q - 1) * math.exp(-1))\n"), PASS, "log1p"),
    Case("nb01-ex5-solution", floor("    return math.log(math.e + q - 1) - 1\n"), PASS, "LSE minus the true logit"),
    Case("nb01-ex5-solution", floor("    return torch.log(torch.tensor(1 + (q - 1) / math.e))\n"), PASS,
         "a float32 tensor"),
    Case("nb01-ex5-solution", floor("    return math.log(q)\n"), "the loss of a uniform prediction",
         "the uniform prediction"),
    Case("nb01-ex5-solution", floor("    return 0.0\n"), "cannot reach", "a perfect model reaches zero"),
    Case("nb01-ex5-solution", floor("    return math.log(1 + (q - 1) * math.e)\n"), "softmax_twice_floor(2)",
         "sign slip in the exponent"),
    Case("nb01-ex5-solution", floor("    return {2: 0.31326168751822286, 3: 0.5514447139320511}[q]\n"),
         "raised KeyError", "hard-coded visible answers"),
    Case("nb01-ex5-solution", floor("    return F.cross_entropy(torch.eye(q)[:1], torch.tensor([0])).item()\n"),
         "torch.nn.functional.cross_entropy is not allowed", "computed numerically instead of reasoned"),
    Case("nb01-ex5-solution", floor("    p = torch.softmax(torch.tensor([[50.0] + [0.0] * (q - 1)]), dim=1)\n"
                                    "    return -torch.log(torch.softmax(p, dim=1)[0, 0]).item()\n"),
         "torch.softmax is not allowed", "numerical search with softmax"),
]
