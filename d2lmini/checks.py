"""Input checkers shared by the package (like scikit-learn's check_array): each returns the checked value or
raises ValueError with one line naming the argument and the problem."""
import math
import numbers

import torch

__all__ = ["check_positive_int", "check_nonnegative_int", "check_positive_number", "check_tensor",
           "check_labels", "check_logits", "check_probabilities", "check_confusion_matrix", "check_same_length"]


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_positive_int(value, name):
    """value as an int >= 1 (Python or NumPy integers; not bool, not 2.0)."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_nonnegative_int(value, name, upper=None):
    """value as an int >= 0 (and <= upper where given)."""
    if not _is_int(value) or value < 0 or (upper is not None and value > upper):
        limit = f" from 0 to {upper}" if upper is not None else " >= 0"
        raise ValueError(f"{name} must be an integer{limit}, got {value!r}")
    return int(value)


def check_positive_number(value, name):
    """value as a positive finite float (a temperature, a learning rate); a one-element real tensor counts."""
    if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex() \
            and value.dtype != torch.bool:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def check_tensor(x, name):
    """x as a tensor (from a tensor, array or nested list of numbers), refusing strings and objects."""
    if isinstance(x, torch.Tensor):
        return x
    try:
        return torch.as_tensor(x)
    except (TypeError, ValueError, RuntimeError):
        raise ValueError(f"{name} must be numbers (a tensor, array or list), got {type(x).__name__} "
                         f"{str(x)[:40]!r}") from None


def check_labels(y, name="y", num_classes=None):
    """y as a 1-D int64 tensor of class indices in [0, num_classes), refusing floats, booleans and -1."""
    y = check_tensor(y, name)
    if y.dtype.is_floating_point or y.dtype.is_complex or y.dtype == torch.bool:
        raise ValueError(f"{name} must hold integer class indices, got dtype {y.dtype} (convert with .long() "
                         "only if the values are whole numbers)")
    if y.dim() != 1:
        raise ValueError(f"{name} must be 1-D (one class index per example), got shape {tuple(y.shape)}")
    y = y.long()
    if num_classes is not None:
        num_classes = check_positive_int(num_classes, "num_classes")
    if y.numel():
        lo, hi = y.aminmax()
        if int(lo) < 0:
            raise ValueError(f"{name} holds a negative class index ({int(lo)})")
        if num_classes is not None and int(hi) >= num_classes:
            raise ValueError(f"{name} holds class index {int(hi)} but there are only {num_classes} classes "
                             f"(0 to {num_classes - 1})")
    return y


def check_logits(x, name="logits", allow_empty=False):
    """x as a 2-D real floating tensor (one row per example, one column per class), every entry finite."""
    x = check_tensor(x, name).detach()
    if x.dtype.is_complex:
        raise ValueError(f"{name} must be real numbers, got dtype {x.dtype}")
    if x.dim() != 2:
        raise ValueError(f"{name} must be 2-D (one row per example, one column per class), got shape "
                         f"{tuple(x.shape)}")
    if not x.dtype.is_floating_point:
        x = x.double()
    if not allow_empty and x.shape[0] == 0:
        raise ValueError(f"{name} is empty: there are no examples")
    if x.shape[1] == 0:
        raise ValueError(f"{name} has no columns (no classes)")
    if not bool(torch.isfinite(x).all()):
        bad = int((~torch.isfinite(x)).sum())
        raise ValueError(f"{name} holds {bad} NaN or infinite value(s)")
    return x


def check_probabilities(p, name="probs", atol=1e-3):
    """p as 2-D probabilities: entries in [0, 1] and each row summing to 1 (within atol)."""
    p = check_logits(p, name)
    if float(p.min()) < 0 or float(p.max()) > 1 + 1e-6:
        raise ValueError(f"{name} must hold probabilities in [0, 1], got values in [{float(p.min()):g}, "
                         f"{float(p.max()):g}] (pass softmax(logits), not logits)")
    sums = p.double().sum(dim=1)
    worst = int((sums - 1).abs().argmax())
    if abs(float(sums[worst]) - 1) > atol:
        raise ValueError(f"{name} rows must each sum to 1, but row {worst} sums to {float(sums[worst]):.6g} "
                         "(pass softmax(logits) over the classes)")
    return p


def check_confusion_matrix(cm, name="cm"):
    """cm as a square, non-empty int64 matrix of non-negative whole counts."""
    cm = check_tensor(cm, name).detach()
    if cm.dtype.is_complex or cm.dtype == torch.bool:
        raise ValueError(f"{name} must hold counts, got dtype {cm.dtype}")
    if cm.dim() != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"{name} must be a square matrix (true class x predicted class), got shape "
                         f"{tuple(cm.shape)}")
    if cm.numel() == 0:
        raise ValueError(f"{name} is empty: no classes")
    if cm.dtype.is_floating_point:
        if not bool(torch.isfinite(cm).all()):
            raise ValueError(f"{name} holds {int((~torch.isfinite(cm)).sum())} NaN or infinite count(s)")
        if not bool((cm == cm.round()).all()):
            raise ValueError(f"{name} must hold whole counts, got fractional values")
    if int(cm.min()) < 0:
        raise ValueError(f"{name} holds a negative count ({int(cm.min())})")
    return cm.long()


def check_same_length(a, b, name_a, name_b):
    """Both have one entry per example."""
    if len(a) != len(b):
        raise ValueError(f"{name_a} has {len(a)} rows but {name_b} has {len(b)} labels")
