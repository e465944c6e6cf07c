"""The headless main job: python -m d2lmini train ..."""
import argparse
import json
import math
import sys
from pathlib import Path

import torch

from . import data, models, plot, scratch
from .training import evaluate_accuracy, train

__all__ = ["build_parser", "main", "run_training"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text}")
    return value


def _device(text):
    try:
        device = torch.device(text)
    except RuntimeError:
        raise argparse.ArgumentTypeError(f"unknown device {text!r}; use cpu, cuda, cuda:N or mps") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise argparse.ArgumentTypeError("CUDA is not available on this machine; use --device cpu")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise argparse.ArgumentTypeError("MPS is not available on this machine; use --device cpu")
    return device


def build_parser():
    """The argument parser of the d2lmini command."""
    parser = _Parser(prog="d2lmini", description="Softmax regression on Fashion-MNIST or MNIST.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = commands.add_parser("train", help="train a softmax regression model and save its results")
    p.add_argument("--dataset", choices=sorted(data.DATASETS), default="fashion-mnist")
    p.add_argument("--impl", choices=["scratch", "concise"], default="concise",
                   help="from-scratch tensors or torch.nn (default: concise)")
    p.add_argument("--epochs", type=_positive_int, default=10)
    p.add_argument("--batch-size", type=_positive_int, default=256)
    p.add_argument("--lr", type=_positive_float, default=0.1, help="learning rate (default: 0.1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", type=_device, default=None, help="cpu, cuda, ... (default: cuda if available)")
    p.add_argument("--root", default=None, help="data folder (default: $D2LMINI_DATA or the cache folder)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: runs/<dataset>-<impl>)")
    return parser


class _EpochProgress:
    """Wraps a data iterator so each epoch's pass shows a tqdm progress bar."""

    def __init__(self, data_iter, num_epochs):
        self.data_iter, self.num_epochs, self.epoch = data_iter, num_epochs, 0

    def __len__(self):
        return len(self.data_iter)

    def __iter__(self):
        from tqdm.auto import tqdm
        self.epoch += 1
        return iter(tqdm(self.data_iter, desc=f"epoch {self.epoch}/{self.num_epochs}", unit="batch",
                         leave=False, file=sys.stderr))


def _model(impl, device, seed):
    """(net, loss, make_updater) for the chosen implementation."""
    if impl == "scratch":
        net = scratch.SoftmaxRegressionScratch(device=device, seed=seed)
        return net, scratch.cross_entropy, lambda lr: (lambda: scratch.sgd(net.parameters(), lr))
    net = models.softmax_regression(seed=seed, device=device)
    return (net, torch.nn.CrossEntropyLoss(reduction="none"),
            lambda lr: torch.optim.SGD(net.parameters(), lr=lr))


def _log_epoch(num_epochs):
    from tqdm.auto import tqdm

    def callback(epoch, h):
        tqdm.write(f"epoch {epoch + 1:>3}/{num_epochs}  loss {h.train_loss[-1]:.4f}  "
                   f"train acc {h.train_acc[-1]:.4f}  test acc {h.eval_acc[-1]:.4f}  ({h.seconds[-1]:.1f} s)")
    return callback


def _save_figure(fig, path):
    import matplotlib.pyplot as plt
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _save_predictions(net, test_iter, dataset, path, n=18):
    X, y = next(iter(test_iter))
    with torch.no_grad():
        preds = net(X[:n]).argmax(dim=1)
    titles = [f"true: {t}\npred: {p}" for t, p in zip(data.get_labels(dataset, y[:n]), data.get_labels(dataset, preds))]
    fig = plot.show_images(X[:n].cpu(), 3, n // 3, titles=titles)
    for ax, truth, pred in zip(fig.axes, y[:n], preds):
        ax.title.set_color("black" if truth == pred else "crimson")
    fig.suptitle(f"{dataset} test images: true and predicted labels")
    _save_figure(fig, path)


def run_training(args):
    """Train as the arguments say, write the run folder, and return the metrics dict."""
    device = args.device or torch.device("cuda" if torch.cuda.is_available() else "cpu")
    out = args.out or Path("runs") / f"{args.dataset}-{args.impl}"
    torch.manual_seed(args.seed)
    train_iter, test_iter = data.load_data(args.dataset, args.batch_size, root=args.root, device=device,
                                           seed=args.seed)
    net, loss, make_updater = _model(args.impl, device, args.seed)
    history = train(net, _EpochProgress(train_iter, args.epochs), test_iter, loss, args.epochs,
                    make_updater(args.lr), device=device, callback=_log_epoch(args.epochs))
    out.mkdir(parents=True, exist_ok=True)
    metrics = {"dataset": args.dataset, "impl": args.impl, "epochs": args.epochs,
               "batch_size": args.batch_size, "lr": args.lr, "seed": args.seed, "device": str(device),
               "train_loss": history.train_loss[-1], "train_acc": history.train_acc[-1],
               "test_acc": evaluate_accuracy(net, test_iter, device), "seconds": sum(history.seconds),
               "history": history.as_dict()}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    _save_figure(plot.plot_history(history, title=f"softmax regression ({args.impl}) on {args.dataset}"),
                 out / "curves.png")
    _save_predictions(net, test_iter, args.dataset, out / "predictions.png")
    torch.save(net.state_dict(), out / "model.pt")
    return metrics, out


def main(argv=None):
    """Entry point of the d2lmini command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        metrics, out = run_training(args)
    except (data.DataError, FloatingPointError, ValueError) as err:
        print(f"d2lmini: error: {err}", file=sys.stderr)
        return 1
    print(f"done: {metrics['epochs']} epochs in {metrics['seconds']:.1f} s, train loss {metrics['train_loss']:.4f}, "
          f"train acc {metrics['train_acc']:.4f}, test acc {metrics['test_acc']:.4f}; results in {out}/")
    return 0
