"""Figures: a live training plot, image grids and training curves, all as PNG, readable without colour."""
import io

import numpy as np

__all__ = ["in_notebook", "Animator", "animate_training", "show_images", "plot_history",
           "plot_confusion_matrix", "plot_reliability", "COLORS", "LINE_STYLES"]

# Okabe and Ito's palette, told apart with every common colour-vision deficiency: blue, orange, bluish green,
# reddish purple, vermillion, sky blue, yellow, black. Lines also differ by marker and dash (LINE_STYLES).
COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
LINE_STYLES = ("o-", "s--", "^-.", "D:", "v-", "P--", "X-.", "*:")


def in_notebook():
    """True inside a Jupyter kernel (JupyterLab, Notebook, VS Code, Colab), False in a script."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def _to_numpy(img):
    img = img.detach().cpu().numpy() if hasattr(img, "detach") else np.asarray(img)
    return img[0] if img.ndim == 3 and img.shape[0] == 1 else img


class Animator:
    """Plots data in animation: one figure redrawn in place through a display handle."""

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None, xscale="linear",
                 yscale="linear", fmts=LINE_STYLES, figsize=(4.5, 3), live=None):
        from matplotlib.figure import Figure  # matplotlib is imported when a figure is drawn, not with d2lmini
        self.fig = Figure(figsize=figsize, dpi=90, layout="constrained")
        self.axes = self.fig.add_subplot()
        self.axes_style = dict(xlabel=xlabel, ylabel=ylabel, xlim=xlim, ylim=ylim, xscale=xscale, yscale=yscale)
        self.legend, self.fmts = legend, fmts
        self.X, self.Y = None, None
        self.live = in_notebook() if live is None else live
        self.handle = None

    def add(self, x, y):
        """Append one point per line (y may be a number or a sequence) and redraw when live."""
        ys = list(y) if hasattr(y, "__len__") else [y]
        xs = list(x) if hasattr(x, "__len__") else [x] * len(ys)
        if len(xs) != len(ys):
            raise ValueError(f"Animator.add got {len(xs)} x values for {len(ys)} y values")
        if self.X is None:
            self.X, self.Y = [[] for _ in ys], [[] for _ in ys]
        if len(ys) != len(self.Y):
            raise ValueError(f"Animator.add got {len(ys)} values; this plot has {len(self.Y)} lines (one value "
                             "per line, None where a line has no point)")
        for i, (a, b) in enumerate(zip(xs, ys)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        if self.live:
            self._show()

    def draw(self):
        """Redraw the lines on the figure and return it."""
        self.axes.cla()
        for i, (x, y) in enumerate(zip(self.X or [], self.Y or [])):
            self.axes.plot(x, y, self.fmts[i % len(self.fmts)], color=COLORS[i % len(COLORS)], markersize=4)
        self.axes.set(**{k: v for k, v in self.axes_style.items() if v is not None})
        if self.legend:
            self.axes.legend(self.legend)
        self.axes.grid(alpha=0.3)
        return self.fig

    def png(self):
        """The current figure as PNG bytes."""
        buf = io.BytesIO()
        self.draw().savefig(buf, format="png")
        return buf.getvalue()

    def _show(self):
        from IPython.display import Image, display
        image = Image(data=self.png(), format="png")
        if self.handle is None:
            self.handle = display(image, display_id=True)
        else:
            self.handle.update(image)


def animate_training(num_epochs, ylim=(0.0, 1.0), eval_label="test acc", **kwargs):
    """A train() callback that plots loss and accuracies live; its .animator holds the figure."""
    animator = Animator(xlabel="epoch", xlim=[1, num_epochs], ylim=ylim,
                        legend=["train loss", "train acc", eval_label], **kwargs)

    def callback(epoch, history):
        animator.add(epoch + 1, (history.train_loss[-1], history.train_acc[-1], history.eval_acc[-1]))

    callback.animator = animator
    return callback


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5, cmap="gray"):
    """A grid of images (tensors or arrays, 1xHxW or HxW) with optional titles; returns the figure."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale * 1.1),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(imgs):
            ax.imshow(_to_numpy(imgs[i]), cmap=cmap)
            if titles is not None and i < len(titles):
                ax.set_title(titles[i], fontsize=9)
    return fig


def _as_history(history):
    """A History, or the dict one was saved as (metrics.json's "history"), as a History."""
    from .training import History
    if isinstance(history, History):
        return history
    if not isinstance(history, dict):
        raise ValueError(f"history must be a History or its dict (metrics.json's \"history\"), got "
                         f"{type(history).__name__}")
    missing = [k for k in ("train_loss", "train_acc", "eval_acc") if k not in history]
    if missing:
        raise ValueError(f"history has no {', '.join(missing)}: pass train()'s History or metrics.json's \"history\"")
    lengths = {len(history[k]) for k in ("train_loss", "train_acc", "eval_acc")}
    if len(lengths) != 1:
        raise ValueError("history's train_loss, train_acc and eval_acc must have one value per epoch each")
    return History(list(history["train_loss"]), list(history["train_acc"]), list(history["eval_acc"]),
                   list(history.get("seconds", [])))


def plot_history(history, title=None, eval_label="test acc"):
    """Loss and accuracy curves of a History (or its saved dict) side by side; returns the figure."""
    import matplotlib.pyplot as plt
    history = _as_history(history)
    epochs = range(1, history.epochs + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    ax_loss.plot(epochs, history.train_loss, LINE_STYLES[0], color=COLORS[0], label="train loss")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    ax_acc.plot(epochs, history.train_acc, LINE_STYLES[0], color=COLORS[0], label="train acc")
    ax_acc.plot(epochs, history.eval_acc, LINE_STYLES[1], color=COLORS[1], label=eval_label)
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig


def _new_axes(ax, figsize):
    """The given axes and its figure, or a fresh figure with one axes."""
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=figsize, dpi=90, layout="constrained")
    return fig, ax


def _text_color_on(image, value):
    """Black or white, whichever reads better on the colour `image` gives `value`."""
    r, g, b, _ = image.cmap(image.norm(value))
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"


def plot_confusion_matrix(cm, labels=None, *, title="confusion matrix", cmap="viridis", ax=None):
    """A heat map of a confusion matrix (rows: true class, columns: predicted) with the counts written in."""
    cm = _to_numpy(cm)
    n = cm.shape[0]
    labels = [str(i) for i in range(n)] if labels is None else list(labels)
    fig, ax = _new_axes(ax, (0.55 * n + 2.2, 0.5 * n + 1.6))
    image = ax.imshow(cm, cmap=cmap)
    fig.colorbar(image, ax=ax, shrink=0.8, label="examples")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, f"{cm[i, j]:g}", ha="center", va="center", fontsize=8, color=_text_color_on(image, cm[i, j]))
    ax.set_xticks(range(n), labels, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(n), labels)
    ax.set(xlabel="predicted class", ylabel="true class", title=title)
    return fig


def plot_reliability(bins, *, title="reliability diagram", ax=None):
    """A reliability diagram of ReliabilityBins: accuracy per confidence bin, the gap to the diagonal, the ECE."""
    edges, counts = _to_numpy(bins.edges), _to_numpy(bins.counts)
    acc, conf = _to_numpy(bins.accuracy), _to_numpy(bins.confidence)
    full = counts > 0
    left, width = edges[:-1][full], np.diff(edges)[full]
    fig, ax = _new_axes(ax, (4, 4))
    ax.bar(left, acc[full], width=width, align="edge", color=COLORS[0], alpha=0.8, edgecolor="black",
           linewidth=0.5, label="accuracy")
    ax.bar(left, conf[full] - acc[full], bottom=acc[full], width=width, align="edge", facecolor="none",
           edgecolor=COLORS[4], hatch="//", linewidth=0.8, label="gap to mean confidence")
    ax.plot([0, 1], [0, 1], "k--", linewidth=1, label="perfect calibration")
    ece = float(np.sum(counts[full] / counts.sum() * np.abs(acc[full] - conf[full])))
    ax.text(0.04, 0.93, f"ECE = {ece:.4f}", transform=ax.transAxes, fontsize=9,
            bbox=dict(boxstyle="round", facecolor="white", alpha=0.8))
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="confidence", ylabel="accuracy", title=title, aspect="equal")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return fig
