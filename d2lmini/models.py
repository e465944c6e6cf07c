"""The concise softmax regression model built from torch.nn layers."""
import torch
from torch import nn

__all__ = ["init_weights", "softmax_regression"]


def init_weights(m, sigma=0.01):
    """Draw nn.Linear weights from N(0, sigma^2) and zero its bias; other modules are left alone."""
    if isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, std=sigma)
        if m.bias is not None:
            nn.init.zeros_(m.bias)


def softmax_regression(num_inputs=784, num_outputs=10, *, sigma=0.01, seed=None, device=None):
    """nn.Sequential(Flatten, Linear) returning logits, initialised as in d2l's concise chapter."""
    net = nn.Sequential(nn.Flatten(), nn.Linear(num_inputs, num_outputs))
    if seed is not None:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            net.apply(lambda m: init_weights(m, sigma))
    else:
        net.apply(lambda m: init_weights(m, sigma))
    return net.to(device)
