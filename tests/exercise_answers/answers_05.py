"""Lesson 05: typical wrong answers, lazy answers and correct alternatives, with the message each must get."""
from exercise_cases import PASS, Case

EX1, EX2, EX3 = (f"nb05-ex{k}-solution" for k in range(1, 4))

CASES = [
    # exercise 1: the average loss per example
    Case(EX1, """
def mean_test_loss(net, data_iter, loss):
    net.eval()
    total = 0.0
    with torch.no_grad():
        for X, y in data_iter:
            total += loss(net(X), y).item()
    return total / len(data_iter.X)
""", "what does each call of loss(net(X), y) return", "the classic script's bug"),
    Case(EX1, """
def mean_test_loss(net, data_iter, loss):
    with torch.no_grad():
        means = [loss(net(X), y).item() for X, y in data_iter]
    return sum(means) / len(means)
""", "the mean of the batch means", "ignores the smaller last batch"),
    Case(EX1, """
def mean_test_loss(net, data_iter, loss):
    total, n = 0.0, 0
    with torch.no_grad():
        for X, y in data_iter:
            total += F.cross_entropy(net(X), y, reduction="sum").item()
            n += len(y)
    return total / n
""", "a label-smoothing loss", "ignores the loss it is given (the lesson's fixed test loss)"),
    Case(EX1, """
def mean_test_loss(net, data_iter, loss):
    losses = [loss(net(X), y) * len(y) for X, y in data_iter]
    return (sum(losses) / sum(len(y) for _, y in data_iter)).item()
""", PASS, "no no_grad, a float32 tensor turned into a float"),
    Case(EX1, """
def mean_test_loss(net, data_iter, loss):
    return d2lmini.evaluate_loss(net, data_iter, loss)
""", PASS, "d2lmini's own function (allowed: the lesson used it)"),
    Case(EX1, """
def mean_test_loss(net, data_iter, loss):
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    total, n = 0.0, 0
    for X, y in data_iter:
        l = loss(net(X), y)
        opt.zero_grad()
        l.backward()
        opt.step()
        total += l.item() * len(y)
        n += len(y)
    return total / n
""", "changed the model's parameters", "a training step left in"),
    # exercise 2: rescaled inputs and the learning rate
    Case(EX2, """
def equivalent_lr(lr, c):
    return lr / c
""", "Where does c enter", "only the gradient's factor"),
    Case(EX2, """
def equivalent_lr(lr, c):
    return lr
""", "Where does c enter", "scale does not matter"),
    Case(EX2, """
def equivalent_lr(lr, c):
    return lr * c ** 2
""", "Where does c enter", "the inverse"),
    Case(EX2, """
def equivalent_lr(lr, c):
    return 0.01 * 0.3081 ** 2
""", "c = 1 (nothing rescaled)", "hard-coded visible value"),
    Case(EX2, """
def equivalent_lr(lr, c):
    return torch.tensor(lr, dtype=torch.float32) / torch.tensor(c, dtype=torch.float32) ** 2
""", PASS, "float32 tensors"),
    Case(EX2, """
def equivalent_lr(lr, c):
    return lr * (1 / c) * (1 / c)
""", PASS, "written as a product"),
    # exercise 3: the most confident mistakes
    Case(EX3, """
def most_confident_mistakes(logits, y, k):
    wrong = (logits.argmax(dim=1) != y).nonzero().squeeze(1)
    order = logits[wrong].max(dim=1).values.argsort(descending=True)
    return wrong[order[:k]]
""", "more confident than one you returned", "ranks by the largest logit, not the probability"),
    Case(EX3, """
def most_confident_mistakes(logits, y, k):
    probs = torch.softmax(logits, dim=1)
    confidence, y_hat = probs.max(dim=1)
    wrong = (y_hat != y).nonzero().squeeze(1)
    return wrong[confidence[wrong].argsort()[:k]]
""", "not ordered most confident first", "least confident first"),
    Case(EX3, """
def most_confident_mistakes(logits, y, k):
    confidence = torch.softmax(logits, dim=1).max(dim=1).values
    return confidence.argsort(descending=True)[:k]
""", "predicted correctly", "forgets to keep only the mistakes"),
    Case(EX3, """
def most_confident_mistakes(logits, y, k):
    probs = torch.softmax(logits, dim=1)
    confidence, y_hat = probs.max(dim=1)
    wrong = (y_hat != y).nonzero().squeeze(1)
    return wrong[confidence[wrong].argsort(descending=True)][:k].tolist()
""", "return a 1-D tensor of indices", "a list"),
    Case(EX3, """
def most_confident_mistakes(logits, y, k):
    confidence, y_hat = torch.softmax(logits.double(), dim=1).max(dim=1)
    confidence[y_hat == y] = -1.0
    n = int((y_hat != y).sum())
    return torch.topk(confidence, min(k, n)).indices
""", PASS, "topk over masked confidences"),
]
