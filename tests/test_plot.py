"""Plots: the Animator is silent in scripts, renders PNG when asked, and nothing touches global state."""
import subprocess
import sys

import torch

from d2lmini import plot
from d2lmini.training import History


def test_animator_is_silent_outside_a_notebook_but_keeps_the_data():
    animator = plot.Animator(legend=["a", "b"], xlim=[1, 3])
    assert animator.live is False
    for x in (1, 2, 3):
        animator.add(x, (x * 0.1, x * 0.2))
    assert animator.handle is None and animator.X == [[1, 2, 3], [1, 2, 3]]
    assert animator.png()[:4] == b"\x89PNG"


def test_animator_updates_one_display_in_place(monkeypatch):
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def display(obj, display_id=False):
        shown.append(("display", obj))
        return Handle()

    import IPython.display
    monkeypatch.setattr(IPython.display, "display", display)
    callback = plot.animate_training(3, live=True)
    history = History([0.5], [0.8], [0.79], [1.0])
    callback(0, history)
    callback(1, history)
    assert [kind for kind, _ in shown] == ["display", "update"]
    assert shown[-1][1].format == "png" and callback.animator.X[0] == [1, 2]


def test_show_images_and_plot_history_return_figures():
    import matplotlib.pyplot as plt
    fig = plot.show_images(torch.rand(5, 1, 28, 28), 2, 3, titles=list("abcde"))
    assert len(fig.axes) == 6 and fig.axes[0].get_title() == "a"
    fig2 = plot.plot_history(History([0.9, 0.5], [0.6, 0.8], [0.6, 0.79], [1.0, 1.0]), title="t")
    assert [ax.get_title() for ax in fig2.axes] == ["loss", "accuracy"]
    plt.close("all")


def test_importing_d2lmini_changes_no_global_matplotlib_state():
    code = ("import matplotlib, sys\n"
            "raw = lambda: {k: dict.__getitem__(matplotlib.rcParams, k) for k in dict.keys(matplotlib.rcParams)}\n"
            "before = raw()\n"
            "import d2lmini\n"
            "assert raw() == before\n"
            "assert 'matplotlib.pyplot' not in sys.modules and 'IPython' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_main_job_imports_matplotlib_only_to_draw():
    code = "import sys, d2lmini.cli; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def _line_looks(fig):
    """(marker, linestyle, colour) of every line of every axes of a figure, legends' handles aside."""
    return [(line.get_marker(), line.get_linestyle(), line.get_color()) for ax in fig.axes for line in ax.lines]


def test_lines_differ_by_marker_and_dash_not_only_by_colour():
    import matplotlib.pyplot as plt
    animator = plot.Animator(legend=list("abcd"))
    for x in (1, 2):
        animator.add(x, (0.1, 0.2, 0.3, 0.4))
    looks = _line_looks(animator.draw())
    assert len({(m, s) for m, s, _ in looks}) == 4, looks
    assert set(c for _, _, c in looks) <= set(plot.COLORS)
    fig = plot.plot_history(History([0.9, 0.5], [0.6, 0.8], [0.6, 0.79], [1.0, 1.0]))
    acc_looks = [(line.get_marker(), line.get_linestyle()) for line in fig.axes[1].lines]
    assert len(set(acc_looks)) == 2, acc_looks
    plt.close("all")


def _luminance(color):
    import matplotlib.colors as mcolors
    r, g, b = mcolors.to_rgb(color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_confusion_matrix_uses_a_colour_blind_safe_map_and_readable_counts():
    import matplotlib.pyplot as plt
    cm = torch.tensor([[50, 0, 3], [7, 20, 1], [0, 12, 90]])
    fig = plot.plot_confusion_matrix(cm, ["a", "b", "c"])
    image = fig.axes[0].images[0]
    assert image.cmap.name == "viridis"
    for text in fig.axes[0].texts:
        i, j = (round(v) for v in text.get_position()[::-1])
        background = _luminance(image.cmap(image.norm(float(cm[i, j]))))
        assert abs(background - _luminance(text.get_color())) > 0.3, (text.get_text(), text.get_color())
    plt.close("all")
