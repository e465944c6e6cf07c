"""The headless main job: python -m d2lmini train ...

The run folder appears all at once (d2lmini.outdir): everything is written into a fresh working folder beside
--out, which replaces --out only when complete; --out is refused when it holds anything but an earlier run.
A lock keeps two runs from writing the same folder. Interruptions (Ctrl-C, SIGTERM, SIGHUP) and disk errors
end in one line, never a traceback.
"""
import argparse
import io
import json
import math
import os
import signal
import struct
import sys
from pathlib import Path

import torch

from . import data, models, scratch
from .outdir import OutputError, output_folder
from .training import evaluate_accuracy, train

__all__ = ["RUN_FILES", "build_parser", "main", "run_training", "functional_sgd", "Interrupted"]

RUN_FILES = ("metrics.json", "curves.png", "predictions.png", "model.pt")
MAX_SEED = 2**64 - 1


class Interrupted(BaseException):
    """Ctrl-C, SIGTERM or SIGHUP arrived; carries the signal number and what became of the results."""

    def __init__(self, signum, message=""):
        super().__init__(message)
        self.signum, self.message = signum, message


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _whole_number(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _positive_int(text):
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _threads(text):
    value = _positive_int(text)
    cpus = os.cpu_count() or 1
    if value > cpus:
        raise argparse.ArgumentTypeError(f"{value} is more than the {cpus} CPU(s) of this machine; use 1 to {cpus}")
    return value


def _seed(text):
    value = _whole_number(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**64 - 1, got {text}")
    return value


def _learning_rate(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text}")
    as_float32 = struct.unpack("f", struct.pack("f", value))[0] if value < 3.4e38 else math.inf
    if not (math.isfinite(as_float32) and as_float32 > 0):
        raise argparse.ArgumentTypeError(f"{text} is not representable in float32 (the model's precision); "
                                         "use a value between 1e-38 and 3e38")
    return value


def _device(text):
    try:
        device = torch.device(text)
    except RuntimeError:
        raise argparse.ArgumentTypeError(f"unknown device {text!r}; use cpu, cuda, cuda:N or mps") from None
    if device.type == "cpu":
        if device.index not in (None, 0):
            raise argparse.ArgumentTypeError(f"{text!r}: there is one CPU device; use --device cpu")
    elif device.type == "cuda":
        if not torch.cuda.is_available():
            raise argparse.ArgumentTypeError("CUDA is not available on this machine; use --device cpu")
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise argparse.ArgumentTypeError(f"{text!r}: this machine has {count} CUDA device(s), cuda:0 to "
                                             f"cuda:{count - 1}")
    elif device.type == "mps":
        if not torch.backends.mps.is_available():
            raise argparse.ArgumentTypeError("MPS is not available on this machine; use --device cpu")
    else:
        raise argparse.ArgumentTypeError(f"device {text!r} cannot train here; use cpu, cuda, cuda:N or mps")
    return device


def _root(text):
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; name a data folder, or leave --root out to use "
                                         "$D2LMINI_DATA or the cache folder")
    return text


def _out(text):
    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; name a folder, or leave --out out for runs/<dataset>-<impl>")
    return Path(text)


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
    p.add_argument("--lr", type=_learning_rate, default=0.1, help="learning rate (default: 0.1)")
    p.add_argument("--seed", type=_seed, default=0, help="0 to 2**64 - 1 (default: 0)")
    p.add_argument("--device", type=_device, default=None, help="cpu, cuda, cuda:N or mps (default: cuda if "
                   "available)")
    p.add_argument("--threads", type=_threads, default=1,
                   help="CPU threads for PyTorch, at most the CPU count (default: 1, fast beside other work; this "
                   "model gains little from more)")
    p.add_argument("--root", type=_root, default=None, help="data folder (default: $D2LMINI_DATA or the cache "
                   "folder)")
    p.add_argument("--out", type=_out, default=None, help="output folder (default: runs/<dataset>-<impl>)")
    return parser


class _EpochProgress:
    """Wraps a data iterator so each epoch's pass shows a tqdm progress bar and the epoch is known."""

    def __init__(self, data_iter, num_epochs):
        self.data_iter, self.num_epochs, self.epoch = data_iter, num_epochs, 0

    def __len__(self):
        return len(self.data_iter)

    def __iter__(self):
        from tqdm.auto import tqdm
        self.epoch += 1
        return iter(tqdm(self.data_iter, desc=f"epoch {self.epoch}/{self.num_epochs}", unit="batch",
                         leave=False, file=sys.stderr))


def functional_sgd(params, lr):
    """An updater doing exactly torch.optim.SGD(params, lr).step() then zero_grad(), through torch's functional
    torch.optim.sgd.sgd: the optimizer object's first use imports torch._dynamo (1-2 s of a 4 s job)."""
    from torch.optim.sgd import sgd
    params = list(params)

    def step():
        with torch.no_grad():
            sgd(params, [p.grad for p in params], [None] * len(params), weight_decay=0.0, momentum=0.0, lr=lr,
                dampening=0.0, nesterov=False, maximize=False)
        for p in params:
            p.grad = None
    return step


def _model(impl, device, seed):
    """(net, loss, make_updater) for the chosen implementation."""
    if impl == "scratch":
        net = scratch.SoftmaxRegressionScratch(device=device, seed=seed)
        return net, scratch.cross_entropy, lambda lr: (lambda: scratch.sgd(net.parameters(), lr))
    net = models.softmax_regression(seed=seed, device=device)
    return net, torch.nn.CrossEntropyLoss(reduction="none"), lambda lr: functional_sgd(net.parameters(), lr)


def _state_dict(net):
    """Detached CPU copies of the model's parameters (what model.pt holds)."""
    return {k: v.detach().to("cpu", copy=True) for k, v in net.state_dict().items()}


class _Recorder:
    """The train() callback: prints a line per epoch and keeps the weights of the last finished epoch."""

    def __init__(self, net, num_epochs):
        self.net, self.num_epochs = net, num_epochs
        self.history, self.state = None, None

    def __call__(self, epoch, h):
        from tqdm.auto import tqdm
        self.history, self.state = h, _state_dict(self.net)
        tqdm.write(f"epoch {epoch + 1:>3}/{self.num_epochs}  loss {h.train_loss[-1]:.4f}  "
                   f"train acc {h.train_acc[-1]:.4f}  test acc {h.eval_acc[-1]:.4f}  ({h.seconds[-1]:.1f} s)")


# ---------------------------------------------------------------------------------------------------------------
# The run folder: d2lmini.outdir checks --out before any data is loaded, locks it, and swaps it in when complete.

RUN_MARKER = "d2lmini-run"


def _is_run_folder(path):
    """An earlier run written before the marker file existed: only run files, metrics.json among them."""
    names = {p.name for p in path.iterdir()}
    return "metrics.json" in names and names <= set(RUN_FILES) and not any(p.is_symlink() and p.is_dir()
                                                                             for p in path.iterdir())


def _write_bytes(path, content):
    """Write a new file (never through an existing link) and flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def _curves_png(history, title):
    import matplotlib.pyplot as plt

    from . import plot
    fig = plot.plot_history(history, title=title)
    try:
        return _png(fig)
    finally:
        plt.close(fig)


def _predictions_png(net, test_iter, dataset, n=18, num_cols=6):
    """One montage of the first n test images with true and predicted labels (wrong ones in red)."""
    import numpy as np
    from matplotlib.figure import Figure
    X, y = next(iter(test_iter))
    X, y = X[:n], y[:n]
    with torch.no_grad():
        preds = net(X).argmax(dim=1).cpu()
    images, y = X.detach().cpu().float().clamp(0, 1), y.cpu()
    num_rows = math.ceil(len(images) / num_cols)
    h, w = images.shape[-2:]
    gap_x, gap_y = 4, 22
    grid = np.ones((num_rows * (h + gap_y), num_cols * (w + gap_x)))
    fig = Figure(figsize=(num_cols * 1.3, num_rows * 1.55), layout="constrained")
    ax = fig.add_subplot()
    for i, (img, truth, pred) in enumerate(zip(images, data.get_labels(dataset, y), data.get_labels(dataset, preds))):
        r, c = divmod(i, num_cols)
        top, left = r * (h + gap_y) + gap_y, c * (w + gap_x)
        grid[top:top + h, left:left + w] = img.reshape(h, w).numpy()
        ax.text(left + w / 2, top - 1, f"true: {truth}\npred: {pred}", ha="center", va="bottom", fontsize=7,
                color="black" if truth == pred else "crimson")
    ax.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.axis("off")
    fig.suptitle(f"{dataset} test images: true and predicted labels (wrong in red)", fontsize=9)
    return _png(fig)


def _write_run(folder, metrics, history, state, net, test_iter, args):
    """Write the four run files into a fresh folder; the model is what metrics.json describes."""
    _write_bytes(folder / "model.pt", _torch_bytes(state))
    title = f"softmax regression ({args.impl}) on {args.dataset}"
    _write_bytes(folder / "curves.png", _curves_png(history, title))
    _write_bytes(folder / "predictions.png", _predictions_png(net, test_iter, args.dataset))
    _write_bytes(folder / "metrics.json", (json.dumps(metrics, indent=2) + "\n").encode())


def _torch_bytes(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _metrics(args, device, history, test_acc, interrupted=False):
    return {"dataset": args.dataset, "impl": args.impl, "epochs": history.epochs,
            "epochs_requested": args.epochs, "batch_size": args.batch_size, "lr": args.lr, "seed": args.seed,
            "device": str(device), "threads": torch.get_num_threads(), "interrupted": interrupted,
            "train_loss": history.train_loss[-1], "train_acc": history.train_acc[-1], "test_acc": test_acc,
            "seconds": sum(history.seconds), "history": history.as_dict()}


def _load_state(net, state):
    if isinstance(net, torch.nn.Module):
        net.load_state_dict(state)
    else:
        with torch.no_grad():
            for name, value in state.items():
                getattr(net, name).copy_(value)


def run_training(args):
    """Train as the arguments say and write the run folder; returns (metrics, out).

    Raises OutputError (a ValueError) for --out, DataError for the data, Interrupted on Ctrl-C/SIGTERM/SIGHUP
    (after writing partial results where that replaces no earlier run).
    """
    device = args.device or torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.set_num_threads(getattr(args, "threads", 1))
    out = args.out or Path("runs") / f"{args.dataset}-{args.impl}"
    stage, stop = "loading the data", None
    try:
        with output_folder(out, marker=RUN_MARKER, legacy=_is_run_folder) as tmp:
            had_previous = Path(out).is_dir() and any(Path(out).iterdir())
            recorder = net = test_iter = progress = None
            try:
                torch.manual_seed(args.seed)
                train_iter, test_iter = data.load_data(args.dataset, args.batch_size, root=args.root,
                                                       device=device, seed=args.seed)
                net, loss, make_updater = _model(args.impl, device, args.seed)
                recorder = _Recorder(net, args.epochs)
                progress = _EpochProgress(train_iter, args.epochs)
                stage = "training"
                history = train(net, progress, test_iter, loss, args.epochs, make_updater(args.lr), device=device,
                                callback=recorder)
                stage = "writing the results"
                metrics = _metrics(args, device, history, evaluate_accuracy(net, test_iter, device))
                _write_run(tmp, metrics, history, _state_dict(net), net, test_iter, args)
            except OSError as err:
                if not str(err.filename or "").startswith(str(tmp)):
                    raise
                raise OutputError(f"--out {out} could not be written: {err.strerror or err}") from None
            except Interrupted as caught:
                if stage != "training":
                    raise
                stop = caught
                where = f"interrupted in epoch {progress.epoch} of {args.epochs}"
                stop.message, saved = _save_partial(tmp, out, had_previous, args, device, recorder, net,
                                                    test_iter, where)
                if not saved:
                    raise
            stage = "saving"
    except Interrupted as caught:
        caught.message = _interrupted_message(caught, stage, stop, out)
        raise
    if stop is not None:
        raise stop
    return metrics, out


def _interrupted_message(caught, stage, stop, out):
    """The one line for an interruption, from what is on disk where the signal arrived during the swap."""
    outcome = getattr(caught, "outcome", None)
    if outcome is not None:  # arrived while the folder was being swapped in
        if outcome == "committed":
            return stop.message if stop is not None else f"interrupted as the results were saved; they are " \
                f"complete in {out}/"
        return f"interrupted while saving the results; nothing written ({caught.outcome_message})" \
            if outcome == "untouched" else f"interrupted while saving the results; {caught.outcome_message}"
    if caught.message:
        return caught.message
    if stage == "loading the data":
        return "interrupted while loading the data; nothing written"
    return f"interrupted while writing the results; nothing written ({_unchanged(out)})"


def _unchanged(out):
    return f"{out} left as it was" if Path(out).exists() else f"{out} not created"


def _save_partial(tmp, out, had_previous, args, device, recorder, net, test_iter, where):
    """After an interruption in training: the finished epochs written into tmp, where that replaces nothing.

    Returns (the one-line message, whether anything was written).
    """
    if recorder is None or recorder.history is None:
        return f"{where}; nothing written", False
    if had_previous:
        return f"{where}; nothing written ({out} still holds the previous run)", False
    history, state = recorder.history, recorder.state
    try:
        _load_state(net, state)
        metrics = _metrics(args, device, history, history.eval_acc[-1], interrupted=True)
        _write_run(tmp, metrics, history, state, net, test_iter, args)
    except Interrupted:
        return f"{where}, and again while saving; nothing written", False
    n = history.epochs
    return f"{where}; partial results of {n} epoch{'s' * (n != 1)} in {out}/", True


STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


def _raise_interrupted(signum, frame):
    raise Interrupted(signum)


def main(argv=None):
    """Entry point of the d2lmini command; returns the exit status."""
    import threading
    in_main_thread = threading.current_thread() is threading.main_thread()  # only it may set signal handlers
    previous = {s: signal.getsignal(s) for s in STOP_SIGNALS} if in_main_thread else {}
    for s, handler in previous.items():
        if handler is not signal.SIG_IGN:  # a caller that ignores a signal (nohup, background jobs) keeps it so
            signal.signal(s, _raise_interrupted)
    try:
        args = build_parser().parse_args(argv)
        metrics, out = run_training(args)
    except Interrupted as stop:
        print(f"d2lmini: {stop.message or 'interrupted; nothing written'}", file=sys.stderr)
        return 128 + stop.signum
    except (data.DataError, FloatingPointError, ValueError) as err:
        print(f"d2lmini: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        where = f": {err.filename}" if err.filename else ""
        print(f"d2lmini: error: {err.strerror or err}{where}", file=sys.stderr)
        return 1
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    print(f"done: {metrics['epochs']} epochs in {metrics['seconds']:.1f} s, train loss {metrics['train_loss']:.4f}, "
          f"train acc {metrics['train_acc']:.4f}, test acc {metrics['test_acc']:.4f}; results in {out}/")
    return 0
