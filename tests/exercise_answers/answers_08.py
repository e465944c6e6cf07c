"""Notebook 08: typical wrong answers, lazy answers and correct alternatives, with the message each must get."""
from exercise_cases import PASS, Case

CASES = [
    # Exercise 1: EM for the test prior
    Case("nb08-ex1-solution", """def em_prior(P, p, num_iters=100):
    q = p.clone()
    for _ in range(num_iters):
        W = P * (q / p)
        W = W / W.sum(dim=1, keepdim=True)
        q = W.mean(dim=0)
    return q
""", PASS, "the reference"),
    Case("nb08-ex1-solution", """def em_prior(P, p, num_iters=100):
    q = p.double()
    for _ in range(num_iters):
        W = P.double() * q / p.double()
        W /= W.sum(1, keepdim=True)
        q = W.sum(0) / len(W)
    return q.float()
""", PASS, "float64 inside, in-place division, float32 result"),
    Case("nb08-ex1-solution", """import numpy as np
def em_prior(P, p, num_iters=100):
    P, q0 = np.asarray(P, dtype=np.float64), np.asarray(p, dtype=np.float64)
    q = q0.copy()
    for _ in range(num_iters):
        W = P * q / q0
        W /= W.sum(axis=1, keepdims=True)
        q = W.mean(axis=0)
    return q
""", PASS, "numpy"),
    Case("nb08-ex1-solution", """def em_prior(P, p, num_iters=100):
    q = p.clone()
    for _ in range(num_iters):
        W = P * q
        W = W / W.sum(dim=1, keepdim=True)
        q = W.mean(dim=0)
    return q
""", "the estimate after 20 steps", "multiplies by q instead of q / p: the training prior counted twice"),
    Case("nb08-ex1-solution", """def em_prior(P, p, num_iters=100):
    q = p.clone()
    for _ in range(num_iters):
        W = P * (q / p)
        q = W.mean(dim=0)
    return q
""", "the sum of the estimated shares", "no E-step normalisation"),
    Case("nb08-ex1-solution", """def em_prior(P, p, num_iters=100):
    q = P.mean(dim=0)
    for _ in range(num_iters):
        W = P * (q / p)
        W = W / W.sum(dim=1, keepdim=True)
        q = W.mean(dim=0)
    return q
""", "with num_iters=0", "starts from the mean prediction instead of p"),
    Case("nb08-ex1-solution", """def em_prior(P, p, num_iters=100):
    q = p.clone()
    for _ in range(num_iters):
        W = P * (q / p)
        W = W / W.sum(dim=0, keepdim=True)
        q = W.mean(dim=0)
    return q
""", "the sum of the estimated shares", "normalises columns instead of rows"),
    Case("nb08-ex1-solution", """def em_prior(P, p, num_iters=100):
    q = p.clone()
    for _ in range(num_iters):
        q = (P * (q / p)).mean(dim=0)
        q = q / q.sum()
    return q
""", "the estimate after 20 steps", "normalises q instead of each row of W"),
    Case("nb08-ex1-solution", """def em_prior(P, p, num_iters=100):
    if num_iters == 0:
        return p
    return torch.tensor([0.07627279, 0.11401192, 0.3145061, 0.49520919])
""", "hidden case, confident one-hot rows", "hard-coded visible values"),
    # Exercise 2: predict the accuracy under label shift
    Case("nb08-ex2-solution", """def predicted_accuracy(C, q):
    return (torch.diagonal(C) * q).sum()
""", PASS, "the reference"),
    Case("nb08-ex2-solution", """def predicted_accuracy(C, q):
    return float(sum(C[k, k] * q[k] for k in range(len(q))))
""", PASS, "a Python loop returning a float"),
    Case("nb08-ex2-solution", """def predicted_accuracy(C, q):
    return C.diag() @ q.to(C.dtype)
""", PASS, "a dot product"),
    Case("nb08-ex2-solution", """def predicted_accuracy(C, q):
    return torch.diagonal(C).mean()
""", "the prediction when every test image is of class 2", "ignores the class mix"),
    Case("nb08-ex2-solution", """def predicted_accuracy(C, q):
    return (C @ q).sum()
""", "the prediction for a uniform class mix", "counts every prediction, right or wrong"),
    Case("nb08-ex2-solution", """def predicted_accuracy(C, q):
    return (torch.diagonal(C) * q).mean()
""", "the prediction for a uniform class mix", "averages over classes instead of summing the weighted recalls"),
    Case("nb08-ex2-solution", """def predicted_accuracy(C, q):
    return (C.sum(dim=1) * q).sum()
""", "the prediction for a uniform class mix", "row sums (how often each class is predicted) instead of recalls"),
    Case("nb08-ex2-solution", """def predicted_accuracy(C, q):
    if q[2] == 1:
        return 0.6
    return 0.7333333
""", "hidden case: your prediction does not change when the class mix changes", "hard-coded visible values"),
    # Exercise 3: importance weights from a domain classifier
    Case("nb08-ex3-solution", """def covariate_weights(c, n_train, n_test):
    return c / (1 - c) * n_train / n_test
""", PASS, "the reference"),
    Case("nb08-ex3-solution", """def covariate_weights(c, n_train, n_test):
    odds = torch.as_tensor(c, dtype=torch.float64)
    return (odds / (1 - odds)) * (n_train / n_test)
""", PASS, "float64"),
    Case("nb08-ex3-solution", """import numpy as np
def covariate_weights(c, n_train, n_test):
    c = np.asarray(c)
    return np.exp(np.log(c) - np.log1p(-c) + np.log(n_train) - np.log(n_test))
""", PASS, "numpy in log space"),
    Case("nb08-ex3-solution", """def covariate_weights(c, n_train, n_test):
    return c / (1 - c) * n_test / n_train
""", "twice as many training images", "the given bug left in place"),
    Case("nb08-ex3-solution", """def covariate_weights(c, n_train, n_test):
    return c / (1 - c)
""", "twice as many training images", "the size ratio dropped"),
    Case("nb08-ex3-solution", """def covariate_weights(c, n_train, n_test):
    return (1 - c) / c * n_train / n_test
""", "twice as many training images", "the odds inverted"),
    Case("nb08-ex3-solution", """def covariate_weights(c, n_train, n_test):
    return torch.ones_like(c)
""", "hidden case, 4,000 training and 1,000 test images", "hard-coded visible values"),
]
