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
    assert len(timer.times) == 2 and timer.cumsum()[-1] == pytest.approx(timer.sum()) and timer.avg() >= 0


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


def test_huge_learning_rate_diverges_loudly():
    train_iter, test_iter = _toy()
    ours = scratch.SoftmaxRegressionScratch(16, 3, seed=0)
    train_iter.X.mul_(1e30)
    with pytest.raises(FloatingPointError, match="diverged"):
        train(ours, train_iter, test_iter, scratch.cross_entropy, 3, lambda: scratch.sgd(ours.parameters(), 1e30))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_training_runs_on_the_gpu(data_root):
    train_iter, test_iter = d2lmini.load_data_mnist(256, root=data_root, device="cuda", seed=0)
    net = d2lmini.softmax_regression(seed=0, device="cuda")
    history = train(net, train_iter, test_iter, nn.CrossEntropyLoss(), 2, torch.optim.SGD(net.parameters(), lr=0.1))
    assert train_iter.X.is_cuda and history.eval_acc[-1] > 0.85
