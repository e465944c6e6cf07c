"""Lesson 03: typical wrong answers, lazy answers and correct alternatives, with the message each must get."""
from exercise_cases import PASS, Case

EX1, EX2, EX3, EX4, EX5 = (f"nb03-ex{k}-solution" for k in range(1, 6))

CASES = [
    # exercise 1: sgd_sum
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad = None
""", PASS, "grad = None is PyTorch's own reset (zero_grad's default)"),
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p.add_(p.grad, alpha=-lr / batch_size)
            p.grad.zero_()
""", PASS, "fused add_"),
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    for p in params:
        p.data -= lr * p.grad / batch_size
        p.grad.zero_()
""", PASS, "through .data"),
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p = p - lr * p.grad / batch_size
            p.grad = None
""", "W did not change", "rebinding the loop variable updates nothing (issue 14)"),
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()
""", "times as long as the step", "forgot to divide by the batch size"),
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size
""", "W.grad still holds", "no reset"),
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    for p in params:
        p -= lr * p.grad / batch_size
        p.grad.zero_()
""", "raised RuntimeError", "in-place update recorded by autograd"),
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / 256
            p.grad.zero_()
""", "a batch of 37", "hard-coded visible batch size"),
    Case(EX1, """
def sgd_sum(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= 0.1 * p.grad / batch_size
            p.grad.zero_()
""", "a batch of 37, lr 0.3", "hard-coded visible learning rate"),
    # exercise 2: predict the buggy model's first loss
    Case(EX2, """
def predicted_first_loss(batch_size):
    return math.log(10)
""", "rows each sum to 1", "the loss of a correct fresh model"),
    Case(EX2, """
def predicted_first_loss(batch_size):
    return 5.55
""", "for a batch of 1 you predict", "hard-coded visible value"),
    Case(EX2, """
def predicted_first_loss(batch_size):
    return math.log(batch_size / 10)
""", "which numbers does its softmax add up", "a plausible wrong formula"),
    Case(EX2, """
def predicted_first_loss(batch_size):
    return torch.log(torch.tensor(float(batch_size)))
""", PASS, "a float32 tensor"),
    Case(EX2, """
def predicted_first_loss(batch_size):
    return classmate_first_loss(batch_size)
""", PASS, "measuring instead of predicting is within the tolerance too"),
    Case(EX2, """
def predicted_first_loss(batch_size):
    return math.log(max(batch_size, 2))
""", "for a batch of 1 you predict", "the one-image edge case"),
    # exercise 3: cross-entropy from logits
    Case(EX3, """
def cross_entropy_logits(O, y):
    m = O.max(dim=1, keepdim=True).values
    return (m.squeeze(1) + torch.log(torch.exp(O - m).sum(dim=1))) - O[torch.arange(len(y)), y]
""", PASS, "explicit max shift, float32"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    shifted = O - O.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -log_probs.gather(1, y.unsqueeze(1)).squeeze(1)
""", PASS, "gather instead of fancy indexing"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    return O[range(len(O)), y] - torch.logsumexp(O, dim=1)
""", "some of your losses are negative", "sign slip (issue 14)"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    return F.cross_entropy(O, y, reduction="none")
""", "is not allowed here", "forbidden shortcut"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    return -torch.log_softmax(O, dim=1)[range(len(O)), y]
""", "is not allowed here", "forbidden log_softmax"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    return -scratch.cross_entropy_logits(O, y) * -1
""", "is not allowed here", "d2lmini's version"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    return -torch.log(torch.softmax(O, dim=1)[range(len(O)), y])
""", "inf or nan", "the log of a probability underflows"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    return torch.log(torch.exp(O).sum(dim=1)) - O[range(len(O)), y]
""", "inf or nan", "no max shift: exp overflows"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    return torch.logsumexp(O, dim=1, keepdim=True) - O[:, y]
""", "expected one loss per example", "O[:, y] picks a whole matrix"),
    Case(EX3, """
def cross_entropy_logits(O, y):
    return torch.logsumexp(O, dim=0)[y] - O[range(len(O)), y]
""", "the loss", "log-sum-exp over the wrong axis"),
    # exercise 4: accuracy as a fraction
    Case(EX4, """
def accuracy_rate(y_hat, y):
    if y_hat.dim() > 1:
        y_hat = y_hat.argmax(dim=1)
    return (y_hat == y).sum() // len(y)
""", "can round down", "integer division (issue 14)"),
    Case(EX4, """
def accuracy_rate(y_hat, y):
    return float((y_hat.argmax(dim=1) == y).sum()) / len(y)
""", "raised IndexError", "forgets the vector case"),
    Case(EX4, """
def accuracy_rate(y_hat, y):
    if y_hat.dim() > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat == y).sum())
""", "a fraction lies between 0 and 1", "returns the count"),
    Case(EX4, """
def accuracy_rate(y_hat, y):
    if y_hat.dim() > 1:
        y_hat = y_hat.argmax(dim=1)
    return (y_hat == y).float().mean()
""", PASS, "a float32 tensor"),
    Case(EX4, """
def accuracy_rate(y_hat, y):
    if y_hat.dim() > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat == y).sum()) / 256
""", "100 rows of scores: the accuracy", "hard-coded batch size"),
    Case(EX4, """
def accuracy_rate(y_hat, y):
    if y_hat.dim() > 1:
        y_hat = y_hat.argmax(dim=1)
    return (y_hat == y).double().mean().item()
""", PASS, "float64 via item()"),
    Case(EX4, """
def accuracy_rate(y_hat, y):
    if y_hat.dim() > 1:
        y_hat = y_hat.max(dim=1).values
    return (y_hat == y).float().mean()
""", "the accuracy", "compares the maximal score, not its index, with the label"),
    # exercise 5: gradient noise against batch size
    Case(EX5, """
def noise_ratio(small, large):
    return large / small
""", "How does the spread of an average", "linear instead of square root"),
    Case(EX5, """
def noise_ratio(small, large):
    return 1.0
""", "How does the spread of an average", "batch size does not matter"),
    Case(EX5, """
def noise_ratio(small, large):
    return 2.0
""", "batch sizes 16 and 256", "hard-coded visible ratio"),
    Case(EX5, """
def noise_ratio(small, large):
    return math.sqrt(large) / math.sqrt(small)
""", PASS, "the same formula, written differently"),
    Case(EX5, """
def noise_ratio(small, large):
    return torch.tensor(large / small, dtype=torch.float32).sqrt()
""", PASS, "a float32 tensor"),
    Case(EX5, """
def noise_ratio(small, large):
    return gradient_noise(small) / gradient_noise(large)
""", PASS, "a measurement passes within the tolerance (the prompt asks for a formula; a reader grades that by hand)"),
]
