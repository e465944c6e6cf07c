"""The training loop: accuracy, evaluation, one epoch, many epochs, and the History they leave."""
import math
import time
from dataclasses import asdict, dataclass, field

import torch

__all__ = ["accuracy", "Accumulator", "Timer", "History", "model_device", "evaluate_accuracy",
           "evaluate_loss", "train_epoch", "train"]


def accuracy(y_hat, y):
    """Number of correct predictions; y_hat holds scores or probabilities, one row per example."""
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat.type(y.dtype) == y).sum())


class Accumulator:
    """Running sums over n variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


class Timer:
    """Records several running times."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.perf_counter()

    def stop(self):
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)

    def cumsum(self):
        out, total = [], 0.0
        for t in self.times:
            total += t
            out.append(total)
        return out


@dataclass
class History:
    """Per-epoch training loss, training accuracy, test accuracy and seconds."""
    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    seconds: list = field(default_factory=list)

    @property
    def epochs(self):
        return len(self.train_loss)

    def as_dict(self):
        return asdict(self)


def model_device(net):
    """The device of a model's first parameter (CPU for a model without parameters)."""
    params = net.parameters() if callable(getattr(net, "parameters", None)) else []
    return next(iter(params), torch.empty(0)).device


def _set_mode(net, train):
    if isinstance(net, torch.nn.Module):
        net.train(train)


def evaluate_accuracy(net, data_iter, device=None):
    """Accuracy of a model on a data set (device=None: the model's own device)."""
    device = device or model_device(net)
    _set_mode(net, False)
    correct, total = torch.zeros((), device=device), 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(device), y.to(device)
            correct += (net(X).argmax(dim=1) == y).sum()
            total += y.numel()
    return correct.item() / total


def evaluate_loss(net, data_iter, loss, device=None):
    """Mean loss of a model over a data set (device=None: the model's own device)."""
    device = device or model_device(net)
    _set_mode(net, False)
    total, n = torch.zeros((), device=device, dtype=torch.float64), 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(device), y.to(device)
            l = loss(net(X), y)
            total += l.sum() if l.dim() else l * y.numel()
            n += y.numel()
    return total.item() / n


def train_epoch(net, train_iter, loss, updater, device=None):
    """One pass over the data; returns (mean training loss, training accuracy)."""
    device = device or model_device(net)
    _set_mode(net, True)
    loss_sum = torch.zeros((), device=device, dtype=torch.float64)
    correct, n = torch.zeros((), device=device), 0
    for X, y in train_iter:
        X, y = X.to(device), y.to(device)
        y_hat = net(X)
        l = loss(y_hat, y)
        mean_l = l.mean()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            mean_l.backward()
            updater.step()
        else:
            mean_l.backward()
            updater()
        loss_sum += mean_l.detach() * y.numel()
        correct += (y_hat.detach().argmax(dim=1) == y).sum()
        n += y.numel()
    return loss_sum.item() / n, correct.item() / n


def train(net, train_iter, test_iter, loss, num_epochs, updater, *, device=None, callback=None):
    """Train for num_epochs (callback(epoch, history) runs after each; True from it stops early)."""
    history, timer = History(), Timer()
    for epoch in range(num_epochs):
        timer.start()
        train_loss, train_acc = train_epoch(net, train_iter, loss, updater, device)
        if not math.isfinite(train_loss):
            raise FloatingPointError(
                f"the training loss became {train_loss} in epoch {epoch + 1}; the model diverged. "
                "Try a smaller learning rate (for example a tenth of it) or check the inputs for NaN.")
        test_acc = evaluate_accuracy(net, test_iter, device)
        history.train_loss.append(train_loss)
        history.train_acc.append(train_acc)
        history.test_acc.append(test_acc)
        history.seconds.append(timer.stop())
        if callback is not None and callback(epoch, history) is True:
            break
    return history
