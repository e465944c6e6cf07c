"""Typical wrong, lazy and correct answers to notebook 09's autograded exercises, and what each test cell must say."""
from exercise_cases import PASS, Case

EX1 = '''
def smoothed_cross_entropy(log_p, y, eps):
    K = log_p.shape[1]
    q = (1 - eps) * F.one_hot(y, K).to(log_p.dtype) + eps / K
    return -(q * log_p).sum(dim=1).mean()
'''
EX2 = '''
def class_weights(counts, beta=None):
    counts = torch.as_tensor(counts, dtype=torch.float64)
    if beta is None:
        w = 1 / counts
    elif beta == 0:
        w = torch.ones_like(counts)
    else:
        w = (1 - beta) / (1 - beta ** counts)
    return w / w[counts.argmax()]
'''
EX3_FN = '''
def mean_std_se(accs, n):
    t = torch.tensor(accs, dtype=torch.float64)
    p = t.mean().item()
    return p, t.std().item(), math.sqrt(p * (1 - p) / n)
'''
EX3_RUN = '''
batch_settings = {"b64": (64, 0.1), "b1024": (1024, 0.1), "b1024_lr1.6": (1024, 1.6)}
batch_accs = {name: [fit(X_small, y_small, num_epochs=2, lr=lr, batch_size=b, seed=s)[1].eval_acc[-1]
                     for s in range(3)] for name, (b, lr) in batch_settings.items()}
batch_verdicts = {name: verdict(spread(batch_accs["b64"]), spread(batch_accs[name]), len(y_val))
                  for name in ("b1024", "b1024_lr1.6")}
'''
EX4 = '''
def train_cosine(X, y, lr, num_epochs, batch_size, seed):
    net = d2lmini.softmax_regression(784, 10, seed=seed)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    train_iter = d2lmini.TensorLoader(X, y, batch_size, shuffle=True, seed=seed)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=num_epochs * len(train_iter))
    lrs = []
    for epoch in range(num_epochs):
        for X_batch, y_batch in train_iter:
            F.cross_entropy(net(X_batch), y_batch).backward()
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            opt.zero_grad()
            sched.step()
    return net, lrs
'''
RECORD = '            lrs.append(opt.param_groups[0]["lr"])\n'
BUGGY_LOOP = EX4.replace("            opt.zero_grad()\n            sched.step()\n", "        sched.step()\n")

CASES = [
    # exercise 1: label smoothing with the right target
    Case("nb09-ex1-solution", EX1, PASS, "the model answer"),
    Case("nb09-ex1-solution", EX1.replace(
        "    q = (1 - eps) * F.one_hot(y, K).to(log_p.dtype) + eps / K\n",
        "    q = torch.full_like(log_p, eps / K)\n    q[torch.arange(len(y)), y] += 1 - eps\n"), PASS,
        "in-place build of the target on a fresh tensor"),
    Case("nb09-ex1-solution", EX1.replace(
        "    q = (1 - eps) * F.one_hot(y, K).to(log_p.dtype) + eps / K\n    return -(q * log_p).sum(dim=1).mean()",
        "    nll = -log_p[torch.arange(len(y)), y]\n    return ((1 - eps) * nll - eps * log_p.mean(dim=1)).mean()"),
        PASS, "(1 - eps) NLL + eps times the mean over classes"),
    Case("nb09-ex1-solution", EX1.replace(".to(log_p.dtype)", ".float()"), PASS, "float32 one-hot"),
    Case("nb09-ex1-solution", EX1.replace(
        "    q = (1 - eps) * F.one_hot(y, K).to(log_p.dtype) + eps / K\n",
        "    q = torch.full_like(log_p, eps / K)\n    q[torch.arange(len(y)), y] = 1 - eps\n"),
        "your target sums to", "the practice guide's target (0.9 and 0.1/K): sums to 1 - eps/K"),
    Case("nb09-ex1-solution", EX1.replace(
        "    q = (1 - eps) * F.one_hot(y, K).to(log_p.dtype) + eps / K\n",
        "    q = torch.full_like(log_p, eps / (K - 1))\n    q[torch.arange(len(y)), y] = 1 - eps\n"),
        "each class first gets eps/K", "the other convention, eps/(K-1) for the other classes"),
    Case("nb09-ex1-solution", EX1.replace(".sum(dim=1).mean()", ".sum()"), "repeated twice", "sum over the batch"),
    Case("nb09-ex1-solution", EX1.replace("return -(q * log_p)", "return (q * log_p)"), "check the sign",
         "sign slip"),
    Case("nb09-ex1-solution", EX1.replace("K = log_p.shape[1]", "K = 10"), "take K from the shape",
         "hard-coded number of classes"),
    Case("nb09-ex1-solution", '''
def smoothed_cross_entropy(log_p, y, eps):
    return F.cross_entropy(log_p, y, label_smoothing=eps)
''', "uses label_smoothing", "lazy: the library does the whole job"),
    Case("nb09-ex1-solution", '''
def smoothed_cross_entropy(log_p, y, eps):
    return (1 - eps) * F.cross_entropy(log_p, y) - eps * log_p.mean(dim=1).mean()
''', "is not allowed here", "lazy: F.cross_entropy for the hard part"),
    # exercise 2: class weights
    Case("nb09-ex2-solution", EX2, PASS, "the model answer"),
    Case("nb09-ex2-solution", EX2.replace("        w = 1 / counts\n", "        w = 1 / counts.float()\n"), PASS,
         "float32 weights"),
    Case("nb09-ex2-solution", EX2.replace("return w / w[counts.argmax()]", "return (w / w[counts.argmax()]).numpy()"),
         PASS, "a numpy array"),
    Case("nb09-ex2-solution", EX2.replace("return w / w[counts.argmax()]", "return w / w[0]"), "unsorted counts",
         "scaled by the first class, not the most frequent"),
    Case("nb09-ex2-solution", EX2.replace("return w / w[counts.argmax()]", "return w / w.sum()"),
         "inverse-frequency weights for counts 1000/100/10", "weights that sum to one"),
    Case("nb09-ex2-solution", EX2.replace("(1 - beta) / (1 - beta ** counts)", "(1 - beta ** counts) / (1 - beta)"),
         "effective-number weights", "the effective number instead of its inverse"),
    Case("nb09-ex2-solution", '''
def class_weights(counts, beta=None):
    counts = torch.as_tensor(counts, dtype=torch.float64)
    if beta is None:
        return torch.tensor([100.0, 1.0, 10.0]) if counts[0] == 10 else torch.tensor([1.0, 10.0, 100.0])
    if beta == 0:
        return torch.ones(3)
    return torch.tensor([1.0, 6.641307, 63.515516])
''', "hidden case", "lazy: the visible values typed in"),
    # exercise 3: mean, std, standard error, and the batch-size experiment
    Case("nb09-ex3-solution", EX3_FN + EX3_RUN, PASS, "the model answer"),
    Case("nb09-ex3-solution", EX3_FN.replace("torch.tensor(accs, dtype=torch.float64)", "torch.tensor(accs)")
         + EX3_RUN, PASS, "float32: torch.tensor(accs) (issue 14)"),
    Case("nb09-ex3-solution", '''
import statistics


def mean_std_se(accs, n):
    p = statistics.mean(accs)
    return p, statistics.stdev(accs), (p * (1 - p) / n) ** 0.5
''' + EX3_RUN, PASS, "the statistics module"),
    Case("nb09-ex3-solution", EX3_FN.replace("t.std().item()", "t.std(correction=0).item()") + EX3_RUN,
         "population std", "population standard deviation"),
    Case("nb09-ex3-solution", EX3_FN.replace("/ n)", "/ len(accs))") + EX3_RUN, "uses the number of seeds",
         "n taken as the number of seeds"),
    Case("nb09-ex3-solution", EX3_FN + EX3_RUN.replace("for s in range(3)", "for s in range(1, 4)"), "seed 0",
         "seeds 1 to 3 instead of 0 to 2"),
    Case("nb09-ex3-solution", EX3_FN + EX3_RUN + '''
batch_verdicts = {"b1024": "no measurable difference", "b1024_lr1.6": "no measurable difference"}
''', "do not follow section 0's rule", "verdicts typed in, not computed"),
    # exercise 4: find the bugs in a training loop
    Case("nb09-ex4-solution", EX4, PASS, "the model answer"),
    Case("nb09-ex4-solution", EX4.replace("            opt.zero_grad()\n", "").replace(
        "            F.cross_entropy", "            for p in net.parameters():\n                p.grad = None\n"
        "            F.cross_entropy"), PASS, "p.grad = None before the backward pass"),
    Case("nb09-ex4-solution", EX4.replace("opt.zero_grad()", "opt.zero_grad(set_to_none=False)"), PASS,
         "zero_grad keeping zero tensors"),
    Case("nb09-ex4-solution", BUGGY_LOOP, "how often does the schedule advance", "the loop as given"),
    Case("nb09-ex4-solution", EX4.replace("            opt.zero_grad()\n", ""), "only its own minibatch's gradient",
         "schedule fixed, gradients still accumulate"),
    Case("nb09-ex4-solution", BUGGY_LOOP.replace("            opt.step()\n", "            opt.step()\n"
                                                 "            opt.zero_grad()\n"),
         "how often does the schedule advance", "gradients fixed, schedule still stepped per epoch"),
    Case("nb09-ex4-solution", EX4.replace(RECORD, "").replace("            sched.step()\n",
                                                              "            sched.step()\n" + RECORD),
        "the learning rate of the first step", "the learning rate recorded after the schedule moved on"),
    Case("nb09-ex4-solution", EX4.replace("            opt.zero_grad()\n", "").replace(
        "            opt.step()\n", "            opt.zero_grad()\n            opt.step()\n"),
        "only its own minibatch's gradient", "gradients cleared before the step: nothing is learned"),
]
