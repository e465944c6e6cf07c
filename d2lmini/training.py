"""The training loop: accuracy, evaluation, one epoch, many epochs, and the History they leave."""
import math
import time
from dataclasses import asdict, dataclass, field

import torch

from .checks import check_labels, check_positive_int, check_same_length

__all__ = ["accuracy", "Accumulator", "Timer", "History", "StopTraining", "model_device", "set_mode",
           "evaluate_accuracy", "evaluate_loss", "train_epoch", "train"]


def accuracy(y_hat, y):
    """Number of correct predictions; y_hat holds scores or probabilities, one row per example."""
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        if y_hat.is_floating_point() and bool(torch.isnan(y_hat).any()):
            raise ValueError(f"y_hat holds {int(torch.isnan(y_hat).sum())} NaN score(s); argmax of NaN is no "
                             "prediction")
        y = check_labels(y, "y", y_hat.shape[1])
        check_same_length(y_hat, y, "y_hat", "y")
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


class StopTraining(Exception):
    """Raised by a train() callback to end training after the current epoch."""


@dataclass
class History:
    """Per-epoch training loss, training accuracy, accuracy on the evaluation set, and seconds."""
    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    eval_acc: list = field(default_factory=list)
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


def set_mode(net, train):
    """Switch an nn.Module to training or evaluation mode (other callables have no mode)."""
    if isinstance(net, torch.nn.Module):
        net.train(train)


def evaluate_accuracy(net, data_iter, device=None):
    """Accuracy of a model on a data set (device=None: the model's own device)."""
    device = device or model_device(net)
    set_mode(net, False)
    correct, total = torch.zeros((), device=device), 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(device), y.to(device)
            y_hat = net(X)
            if total == 0:  # the labels of the first batch must fit the model's outputs
                check_labels(y, "the labels", y_hat.shape[1])
            correct += (y_hat.argmax(dim=1) == y).sum()
            total += y.numel()
    if total == 0:
        raise ValueError("the evaluation data iterator yielded no examples")
    return correct.item() / total


def evaluate_loss(net, data_iter, loss, device=None):
    """Mean loss of a model over a data set (device=None: the model's own device)."""
    device = device or model_device(net)
    set_mode(net, False)
    total, n = torch.zeros((), device=device, dtype=torch.float64), 0
    with torch.no_grad():
        for X, y in data_iter:
            X, y = X.to(device), y.to(device)
            l = loss(net(X), y)
            total += l.sum() if l.dim() else l * y.numel()
            n += y.numel()
    if n == 0:
        raise ValueError("the evaluation data iterator yielded no examples")
    return total.item() / n


def _diverged(what, where):
    return FloatingPointError(
        f"{what} in {where}; the model diverged. Try a smaller learning rate (for example a tenth of it) or check "
        "the inputs for NaN or inf.")


def _snapshot(params):
    """Copies of the parameters, to restore when a batch between two checks broke them."""
    with torch.no_grad():
        return [p.detach().clone() for p in params]


def _restore(params, snapshot):
    with torch.no_grad():
        for p, saved in zip(params, snapshot):
            p.copy_(saved)


def _finite(params):
    return all(bool(torch.isfinite(p).all()) for p in params)


def train_epoch(net, train_iter, loss, updater, device=None, *, check_every=None):
    """One pass over the data; returns (mean training loss, training accuracy).

    A non-finite loss stops at once with FloatingPointError before its step; weights a step made non-finite
    show in the next batch's loss, and after the last batch the weights themselves are checked. On a GPU the
    checks run every check_every batches (default 8), with a copy of the weights at each check to restore; on
    a CPU every batch is checked and nothing is copied.
    """
    device = torch.device(device) if device is not None else model_device(net)
    check_every = check_every or (1 if device.type == "cpu" else 8)
    params = list(net.parameters()) if callable(getattr(net, "parameters", None)) else []
    set_mode(net, True)
    loss_sum = torch.zeros((), device=device, dtype=torch.float64)
    correct, n = torch.zeros((), device=device), 0
    snapshot = _snapshot(params) if check_every > 1 else None  # unchecked steps may need undoing; none on a CPU
    for i, (X, y) in enumerate(train_iter):
        X, y = X.to(device), y.to(device)
        y_hat = net(X)
        mean_l = loss(y_hat, y).mean()
        checked = i % check_every == 0
        if checked and not torch.isfinite(mean_l):  # known before the step
            if _finite(params):
                raise _diverged(f"the training loss became {mean_l.item()} (the step was not taken)",
                                f"batch {i + 1}")
            if snapshot is not None:
                _restore(params, snapshot)
            raise _diverged("a step made the weights NaN or infinite", f"the batches before batch {i + 1}")
        if checked and snapshot is not None:
            snapshot = _snapshot(params)
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
    if n == 0:
        raise ValueError("the training data iterator yielded no examples")
    mean_loss = loss_sum.item() / n
    if not math.isfinite(mean_loss) or not _finite(params):
        if snapshot is not None and not _finite(params):
            _restore(params, snapshot)
        raise _diverged(f"the training loss became {mean_loss}" if not math.isfinite(mean_loss) else
                        "the weights became NaN or infinite", "the last batches of the epoch")
    return mean_loss, correct.item() / n


def train(net, train_iter, eval_iter, loss, num_epochs, updater, *, device=None, callback=None):
    """Train for num_epochs; callback(epoch, history) runs after each and may raise StopTraining."""
    num_epochs = check_positive_int(num_epochs, "num_epochs")
    history, timer = History(), Timer()
    for epoch in range(num_epochs):
        timer.start()
        try:
            train_loss, train_acc = train_epoch(net, train_iter, loss, updater, device)
        except FloatingPointError as err:
            raise FloatingPointError(f"epoch {epoch + 1}: {err}") from None
        eval_acc = evaluate_accuracy(net, eval_iter, device)
        history.train_loss.append(train_loss)
        history.train_acc.append(train_acc)
        history.eval_acc.append(eval_acc)
        history.seconds.append(timer.stop())
        if callback is not None:
            try:
                callback(epoch, history)
            except StopTraining:
                break
    return history
