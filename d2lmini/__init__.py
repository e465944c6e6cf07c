"""d2lmini: softmax regression from first principles, the helper package of the notebooks."""
from . import _startup

if _startup.started_as_command():  # python -m d2lmini: Ctrl-C while torch is imported is one line
    _startup.install()
from . import data, grading, metrics, models, plot, scratch, training
from .data import (
    DataError,
    TensorLoader,
    get_dataset,
    get_fashion_mnist_labels,
    get_labels,
    load_data,
    load_data_fashion_mnist,
    load_data_mnist,
    load_data_splits,
    normalization_stats,
)
from .models import init_weights, softmax_regression
from .plot import Animator, animate_training, plot_confusion_matrix, plot_history, plot_reliability, show_images
from .training import (
    Accumulator,
    History,
    StopTraining,
    Timer,
    accuracy,
    evaluate_accuracy,
    evaluate_loss,
    train,
    train_epoch,
)

__version__ = "0.1.0"  # the one place the version is written; pyproject.toml reads it from here
__all__ = [
    "data", "grading", "metrics", "models", "plot", "scratch", "training",
    "DataError", "TensorLoader", "get_dataset", "get_fashion_mnist_labels", "get_labels", "load_data",
    "load_data_fashion_mnist", "load_data_mnist", "load_data_splits", "normalization_stats",
    "init_weights", "softmax_regression",
    "Animator", "animate_training", "plot_confusion_matrix", "plot_history", "plot_reliability", "show_images",
    "Accumulator", "History", "StopTraining", "Timer", "accuracy", "evaluate_accuracy", "evaluate_loss", "train",
    "train_epoch",
]
