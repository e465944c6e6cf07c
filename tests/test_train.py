"""The training loop: metrics, both updater kinds, both loss reductions, the History, NaN handling."""
import math

import pytest
import torch
from torch import nn

import d2lmini
from d2lmini import scratch
from d2lmini.data import TensorLoader
from d2lmini.training import Accumulator, Timer, accuracy, evaluate_accuracy, evaluate_loss, model_device, train


def test_accuracy_counts_correct_rows():
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5], [0.9, 0.05, 0.05]])
    assert accuracy(y_hat, torch.tensor([2, 0, 0])) == 2.0
    assert accuracy(torch.tensor([1, 2]), torch.tensor([1, 1])) == 1.0


def test_accumulator_and_timer():
    acc = Accumulator(2)
    acc.add(1, 2.5)
    acc.add(torch.tensor(3.0), 1)
    assert acc[0] == 4.0 and acc[1] == 3.5
    acc.reset()
    assert acc.data == [0.0, 0.0]
    timer = Timer()
    timer.stop()
    timer.stop()
    assert len(timer.times) == 2 and timer.cumsum()[-1] == pytest.approx(timer.sum())
    assert timer.avg() == pytest.approx(timer.sum() / 2)


def _toy(seed=0, n=512):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 1, 4, 4, generator=g)
    y = (X.flatten(1) @ torch.randn(16, 3, generator=g)).argmax(1)
    return TensorLoader(X, y, 64, shuffle=True, seed=seed), TensorLoader(X, y, 128)


def test_evaluate_accuracy_and_loss_agree_with_direct_computation():
    train_iter, test_iter = _toy()
    net = nn.Sequential(nn.Flatten(), nn.Linear(16, 3))
    logits = net(test_iter.X)
    assert evaluate_accuracy(net, test_iter) == pytest.approx(accuracy(logits, test_iter.y) / 512)
    mean_loss = nn.functional.cross_entropy(logits, test_iter.y).item()
    assert evaluate_loss(net, test_iter, nn.CrossEntropyLoss(reduction="none")) == pytest.approx(mean_loss, rel=1e-5)
    assert evaluate_loss(net, test_iter, nn.CrossEntropyLoss()) == pytest.approx(mean_loss, rel=1e-5)
    assert model_device(net) == torch.device("cpu") and model_device(lambda X: X) == torch.device("cpu")


def _fit(loss, seed=0):
    train_iter, test_iter = _toy()
    net = d2lmini.softmax_regression(16, 3, seed=seed)
    return net, train(net, train_iter, test_iter, loss, 3, torch.optim.SGD(net.parameters(), lr=0.5))


def test_per_example_and_mean_losses_train_identically():
    net_a, h_a = _fit(nn.CrossEntropyLoss(reduction="none"))
    net_b, h_b = _fit(nn.CrossEntropyLoss())
    assert torch.allclose(net_a[1].weight, net_b[1].weight, atol=1e-6)
    assert h_a.train_loss == pytest.approx(h_b.train_loss, rel=1e-5)
    assert h_a.epochs == 3 and len(h_a.seconds) == 3 and h_a.eval_acc[-1] > 0.8
    assert set(h_a.as_dict()) == {"train_loss", "train_acc", "eval_acc", "seconds"}


def test_scratch_and_concise_models_follow_the_same_path():
    train_iter, test_iter = _toy()
    ours = scratch.SoftmaxRegressionScratch(16, 3, seed=0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(16, 3))
    with torch.no_grad():
        net[1].weight.copy_(ours.W.T)
        net[1].bias.copy_(ours.b)
    h_ours = train(ours, train_iter, test_iter, scratch.cross_entropy, 2, lambda: scratch.sgd(ours.parameters(), 0.5))
    train_iter.generator.manual_seed(0)
    h_net = train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2, torch.optim.SGD(net.parameters(), lr=0.5))
    assert torch.allclose(net[1].weight, ours.W.T, atol=1e-5)
    assert h_ours.eval_acc == pytest.approx(h_net.eval_acc)


def test_callback_sees_each_epoch_and_can_stop_early():
    train_iter, test_iter = _toy()
    net = d2lmini.softmax_regression(16, 3, seed=0)
    seen = []

    def callback(epoch, history):
        seen.append((epoch, history.epochs))
        if epoch == 1:
            raise d2lmini.StopTraining
        return True  # a return value, even True, never stops training

    history = train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 10, torch.optim.SGD(net.parameters(), lr=0.1),
                    callback=callback)
    assert seen == [(0, 1), (1, 2)] and history.epochs == 2


def test_nan_loss_stops_training_with_advice():
    train_iter, test_iter = _toy()
    train_iter.X[5, 0, 0, 0] = math.nan
    net = d2lmini.softmax_regression(16, 3, seed=0)
    with pytest.raises(FloatingPointError, match="epoch 1.*smaller learning rate"):
        train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 3, torch.optim.SGD(net.parameters(), lr=0.1))


@pytest.mark.parametrize("lr, diverges", [(1e30, True), (0.1, False)])
def test_huge_learning_rate_diverges_loudly(lr, diverges):
    train_iter, test_iter = _toy()  # ordinary inputs: only the learning rate differs
    ours = scratch.SoftmaxRegressionScratch(16, 3, seed=0)
    run = lambda: train(ours, train_iter, test_iter, scratch.cross_entropy, 3,  # noqa: E731
                        lambda: scratch.sgd(ours.parameters(), lr))
    if diverges:
        with pytest.raises(FloatingPointError, match="diverged"):
            run()
        assert all(torch.isfinite(p).all() for p in ours.parameters()), "the last finite weights are restored"
    else:
        assert run().epochs == 3


class _NaNInBatch:
    """The toy data, with a NaN injected into the inputs of one batch (1-based); records the batches served."""

    def __init__(self, bad_batch):
        self.loader, self.bad_batch, self.served = _toy()[0], bad_batch, 0

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        for i, (X, y) in enumerate(self.loader, 1):
            self.served = i
            if i == self.bad_batch:
                X = X.clone()
                X[0, 0, 0, 0] = math.nan
            yield X, y


def test_nan_in_batch_3_stops_in_batch_3_with_the_weights_before_it():
    data = _NaNInBatch(3)
    net = d2lmini.softmax_regression(16, 3, seed=0)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    seen = []

    class Spy(torch.optim.SGD):
        def step(self, closure=None):
            super().step(closure)
            seen.append([p.detach().clone() for p in net.parameters()])

    optimizer = Spy(net.parameters(), lr=0.1)
    with pytest.raises(FloatingPointError, match="epoch 1: .*batch 3"):
        train(net, data, _toy()[1], nn.CrossEntropyLoss(), 3, optimizer)
    assert data.served == 3, "training stops in the bad batch, not at the end of the epoch"
    assert len(seen) == 2, "the bad batch takes no step"
    for p, before in zip(net.parameters(), seen[-1]):
        assert torch.isfinite(p).all() and torch.equal(p, before)


def test_every_check_skipped_batch_is_caught_at_the_next_check_with_finite_weights():
    data = _NaNInBatch(3)
    net = d2lmini.softmax_regression(16, 3, seed=0)
    with pytest.raises(FloatingPointError, match="batch 5"):
        d2lmini.train_epoch(net, data, nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.1),
                            check_every=4)
    assert data.served == 5 and all(torch.isfinite(p).all() for p in net.parameters())


@pytest.mark.parametrize("which", ["train", "eval"])
def test_empty_iterators_raise_value_error(which):
    train_iter, test_iter = _toy()
    empty = TensorLoader(torch.empty(0, 1, 4, 4), torch.empty(0, dtype=torch.long), 8)
    net = d2lmini.softmax_regression(16, 3, seed=0)
    args = (empty, test_iter) if which == "train" else (train_iter, empty)
    with pytest.raises(ValueError, match=f"the {'training' if which == 'train' else 'evaluation'} data iterator "
                                         "yielded no examples"):
        train(net, *args, nn.CrossEntropyLoss(), 1, torch.optim.SGD(net.parameters(), lr=0.1))


@pytest.mark.parametrize("num_epochs", [0, -1, 2.0, True])
def test_num_epochs_must_be_a_positive_integer(num_epochs):
    train_iter, test_iter = _toy()
    net = d2lmini.softmax_regression(16, 3, seed=0)
    with pytest.raises(ValueError, match="num_epochs must be a positive integer"):
        train(net, train_iter, test_iter, nn.CrossEntropyLoss(), num_epochs, torch.optim.SGD(net.parameters(), lr=0.1))


@pytest.mark.parametrize("returned", [True, 1, torch.tensor(True), "stop"])
def test_callback_return_values_never_stop_training(returned):
    train_iter, test_iter = _toy()
    net = d2lmini.softmax_regression(16, 3, seed=0)
    history = train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 3, torch.optim.SGD(net.parameters(), lr=0.1),
                    callback=lambda epoch, h: returned)
    assert history.epochs == 3


def test_stop_training_ends_after_the_current_epoch():
    train_iter, test_iter = _toy()
    net = d2lmini.softmax_regression(16, 3, seed=0)

    def stop_at_first(epoch, history):
        raise d2lmini.StopTraining

    history = train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 5, torch.optim.SGD(net.parameters(), lr=0.1),
                    callback=stop_at_first)
    assert history.epochs == 1 and len(history.eval_acc) == 1


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_training_runs_on_the_gpu(data_root):
    train_iter, test_iter = d2lmini.load_data_mnist(256, root=data_root, device="cuda", seed=0)
    net = d2lmini.softmax_regression(seed=0, device="cuda")
    history = train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2, torch.optim.SGD(net.parameters(), lr=0.1))
    assert train_iter.X.is_cuda and history.eval_acc[-1] > 0.85
