"""Figures: a live training plot, image grids and training curves, all as PNG."""
import io

import numpy as np
from matplotlib.figure import Figure

__all__ = ["in_notebook", "Animator", "animate_training", "show_images", "plot_history"]


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
                 yscale="linear", fmts=("-", "m--", "g-.", "r:"), figsize=(4.5, 3), live=None):
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
        if self.X is None:
            self.X, self.Y = [[] for _ in ys], [[] for _ in ys]
        for i, (a, b) in enumerate(zip(xs, ys)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        if self.live:
            self._show()

    def draw(self):
        """Redraw the lines on the figure and return it."""
        self.axes.cla()
        for x, y, fmt in zip(self.X or [], self.Y or [], self.fmts * 4):
            self.axes.plot(x, y, fmt)
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


def animate_training(num_epochs, ylim=(0.0, 1.0), **kwargs):
    """A train() callback that plots loss and accuracies live; its .animator holds the figure."""
    animator = Animator(xlabel="epoch", xlim=[1, num_epochs], ylim=ylim,
                        legend=["train loss", "train acc", "test acc"], **kwargs)

    def callback(epoch, history):
        animator.add(epoch + 1, (history.train_loss[-1], history.train_acc[-1], history.test_acc[-1]))

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


def plot_history(history, title=None):
    """Loss and accuracy curves of a History side by side; returns the figure."""
    import matplotlib.pyplot as plt
    epochs = range(1, history.epochs + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    ax_loss.plot(epochs, history.train_loss, "o-", label="train loss")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    ax_acc.plot(epochs, history.train_acc, "o-", label="train acc")
    ax_acc.plot(epochs, history.test_acc, "s--", label="test acc")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return fig
