"""From-scratch reference pieces of softmax regression, built from tensor ops only."""
import torch

from .checks import check_labels, check_same_length

__all__ = [
    "softmax_naive", "softmax", "log_softmax", "cross_entropy", "cross_entropy_logits",
    "init_params", "net", "sgd", "SoftmaxRegressionScratch",
]


def softmax_naive(X):
    """Row-wise softmax exactly as the formula reads: exp(X) / sum(exp(X)); overflows for large X."""
    X_exp = torch.exp(X)
    return X_exp / X_exp.sum(dim=1, keepdim=True)


def softmax(X):
    """Row-wise softmax made stable by subtracting each row's maximum first."""
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=1, keepdim=True)


def log_softmax(X):
    """Row-wise log-softmax through the log-sum-exp trick: X - max - log(sum(exp(X - max)))."""
    shifted = X - X.max(dim=1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))


def _check_pair(scores, y, name):
    """One class index in [0, number of columns) per row of scores (no broadcasting, no index -1)."""
    if scores.dim() != 2:
        raise ValueError(f"{name} must be 2-D (one row per example, one column per class), got shape "
                         f"{tuple(scores.shape)}")
    y = check_labels(y, "y", scores.shape[1])
    check_same_length(scores, y, name, "y")
    return y


def cross_entropy(y_hat, y):
    """Per-example cross-entropy of probabilities y_hat against class indices y: -log y_hat[i, y_i]."""
    y = _check_pair(y_hat, y, "y_hat")
    return -torch.log(y_hat[torch.arange(y_hat.shape[0], device=y_hat.device), y])


def cross_entropy_logits(O, y):
    """Per-example cross-entropy computed from logits O without forming probabilities (stable)."""
    y = _check_pair(O, y, "O")
    return -log_softmax(O)[torch.arange(O.shape[0], device=O.device), y]


def init_params(num_inputs=784, num_outputs=10, sigma=0.01, *, device=None, generator=None):
    """Weights W ~ N(0, sigma^2) of shape (num_inputs, num_outputs) and zero biases b, both trainable."""
    W = torch.normal(0.0, sigma, (num_inputs, num_outputs), generator=generator)
    W = W.to(device).requires_grad_(True)
    b = torch.zeros(num_outputs, device=device, requires_grad=True)
    return W, b


def net(X, W, b):
    """The softmax regression model: softmax(XW + b) with each image flattened to a row."""
    if X.dim() <= 1:
        X = X.reshape(1, -1)  # one example
    if X[0].numel() != W.shape[0]:
        per = X[0].numel()
        raise ValueError(f"each example of X must have {W.shape[0]} values (W has {W.shape[0]} rows), got shape "
                         f"{tuple(X.shape)} ({per} values per example)")
    return softmax(X.reshape(len(X), -1) @ W + b)


def sgd(params, lr):
    """Minibatch SGD step p -= lr * p.grad (gradients of the mean loss), then zero the gradients."""
    params = list(params)
    for i, param in enumerate(params):
        if param.grad is None:
            raise ValueError(f"parameter {i} (shape {tuple(param.shape)}) has no gradient: call loss.backward() "
                             "first, and create it with requires_grad=True")
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


class SoftmaxRegressionScratch:
    """A callable holding W and b, so the scratch model plugs into the same training loop."""

    def __init__(self, num_inputs=784, num_outputs=10, sigma=0.01, *, device=None, seed=None):
        generator = torch.Generator().manual_seed(seed) if seed is not None else None
        self.W, self.b = init_params(num_inputs, num_outputs, sigma, device=device, generator=generator)

    def __call__(self, X):
        return net(X, self.W, self.b)

    def parameters(self):
        """The trainable tensors [W, b]."""
        return [self.W, self.b]

    def state_dict(self):
        """Detached copies of the parameters keyed "W" (num_inputs x num_outputs) and "b"; nn.Linear's weight is W.T."""
        return {"W": self.W.detach().clone(), "b": self.b.detach().clone()}
