"""The from-scratch pieces agree with PyTorch's own, including at extreme logits."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from d2lmini import scratch


def _logits(seed, n=8, q=10, scale=3.0, dtype=torch.float64):
    return torch.randn(n, q, generator=torch.Generator().manual_seed(seed), dtype=dtype) * scale


@given(seed=st.integers(0, 2**31 - 1), scale=st.floats(0.01, 50.0))
@settings(max_examples=40, deadline=None)
def test_softmax_and_log_softmax_match_torch(seed, scale):
    O = _logits(seed, scale=scale)
    assert torch.allclose(scratch.softmax(O), torch.softmax(O, dim=1), atol=1e-12)
    assert torch.allclose(scratch.log_softmax(O), torch.log_softmax(O, dim=1), atol=1e-10)
    assert torch.allclose(scratch.softmax(O).sum(dim=1), torch.ones(len(O), dtype=O.dtype))


def test_naive_softmax_agrees_on_small_logits_and_overflows_on_large_ones():
    O = _logits(0, dtype=torch.float32)
    assert torch.allclose(scratch.softmax_naive(O), torch.softmax(O, dim=1), atol=1e-6)
    assert torch.isnan(scratch.softmax_naive(torch.tensor([[1e4, 0.0]]))).any()


def test_extreme_logits_give_no_nan():
    O = torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]])
    y = torch.tensor([0, 2, 1])
    for ours, theirs in [(scratch.softmax(O), torch.softmax(O, 1)), (scratch.log_softmax(O), torch.log_softmax(O, 1)),
                         (scratch.cross_entropy_logits(O, y), F.cross_entropy(O, y, reduction="none"))]:
        assert torch.isfinite(ours).all() and torch.allclose(ours, theirs)


def test_cross_entropy_matches_torch():
    O, y = _logits(1), torch.tensor([0, 3, 9, 2, 2, 5, 7, 1])
    expected = F.cross_entropy(O, y, reduction="none")
    assert torch.allclose(scratch.cross_entropy(scratch.softmax(O), y), expected)
    assert torch.allclose(scratch.cross_entropy_logits(O, y), expected)
    assert scratch.cross_entropy(torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), torch.tensor([0, 2])).tolist() \
        == pytest.approx([2.302585, 0.693147], abs=1e-6)


def test_gradcheck_in_float64():
    O = _logits(2, n=4, q=5).requires_grad_(True)
    y = torch.tensor([0, 4, 2, 2])
    assert torch.autograd.gradcheck(scratch.softmax, (O,))
    assert torch.autograd.gradcheck(scratch.log_softmax, (O,))
    assert torch.autograd.gradcheck(lambda o: scratch.cross_entropy_logits(o, y), (O,))
    assert torch.autograd.gradcheck(lambda o: scratch.cross_entropy(scratch.softmax(o), y), (O,))


def test_gradient_of_cross_entropy_is_softmax_minus_one_hot():
    O, y = _logits(3).requires_grad_(True), torch.tensor([1, 0, 9, 4, 4, 3, 8, 6])
    scratch.cross_entropy_logits(O, y).sum().backward()
    expected = torch.softmax(O.detach(), 1) - F.one_hot(y, 10).double()
    assert torch.allclose(O.grad, expected, atol=1e-12)


def test_net_matches_linear_layer_and_softmax():
    W, b = scratch.init_params(generator=torch.Generator().manual_seed(0))
    assert W.shape == (784, 10) and b.shape == (10,) and W.requires_grad and b.requires_grad
    assert abs(W.std().item() - 0.01) < 5e-4 and not b.any()
    X = torch.rand(5, 1, 28, 28)
    expected = torch.softmax(F.linear(X.flatten(1), W.T, b), dim=1)
    assert torch.allclose(scratch.net(X, W, b), expected, atol=1e-6)


def test_sgd_matches_torch_optim_sgd():
    torch.manual_seed(0)
    X, y = torch.randn(32, 784), torch.randint(0, 10, (32,))
    ours = scratch.SoftmaxRegressionScratch(seed=0)
    W, b = (p.detach().clone().requires_grad_(True) for p in ours.parameters())
    optimizer = torch.optim.SGD([W, b], lr=0.1)
    for _ in range(3):
        scratch.cross_entropy(ours(X), y).mean().backward()
        scratch.sgd(ours.parameters(), lr=0.1)
        optimizer.zero_grad()
        F.cross_entropy(X @ W + b, y).backward()
        optimizer.step()
    assert torch.allclose(ours.W, W, atol=1e-6) and torch.allclose(ours.b, b, atol=1e-6)
    assert all(not p.grad.any() for p in ours.parameters())
    assert set(ours.state_dict()) == {"W", "b"}
