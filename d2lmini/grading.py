"""Checks for the exercises' test cells: fair tolerances, forbidden shortcuts, messages in the student's language."""
import contextlib
import gettext
import importlib
import inspect
import os
from pathlib import Path, PurePath

import numpy as np
import torch

__all__ = ["check_close", "expect", "forbidden", "not_used"]

LOCALE_DIR = Path(__file__).parent / "locale"  # the compiled catalog of the test messages (d2lmini-grading.mo)


def _catalog():
    """The test messages' catalog for the student's language: $LANGUAGE etc., or a notebook under a zh/ folder."""
    session = os.environ.get("JPY_SESSION_NAME", "")  # the notebook's path, set by Jupyter Server for the kernel
    languages = ["zh_CN"] if "zh" in PurePath(session).parent.parts[-1:] else None
    return gettext.translation("d2lmini-grading", LOCALE_DIR, languages=languages, fallback=True)


def _message(template, values):
    """The filled template in the student's language, followed by the English one when they differ."""
    english, catalog = template.format(**values), _catalog()
    local = catalog.gettext(template).format(
        **{k: catalog.gettext(v) if isinstance(v, str) and v else v for k, v in values.items()})
    return english if local == english else f"{local}\n{english}"


def expect(condition, template, **values):
    """Raise AssertionError with the template filled with values when the condition is false."""
    if not bool(condition):
        raise AssertionError(_message(template, values))


def check_close(got, expected, what, rtol=1e-5, atol=1e-7):
    """Expect got to equal expected up to float32 rounding, naming what differs, where and by how much."""
    expected = _as_float64(expected)
    try:
        got = _as_float64(got)
    except (TypeError, ValueError, RuntimeError):
        raise AssertionError(_message("{what}: expected a number or a tensor, got {kind}",
                                      {"what": what, "kind": type(got).__name__})) from None
    expect(got.shape == expected.shape, "{what}: expected shape {want}, got {shape}",
           what=what, want=tuple(expected.shape), shape=tuple(got.shape))
    bad = ~torch.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if bad.any():
        where = tuple(int(i) for i in bad.nonzero()[0])
        expect(False, "{what}: got {got:.8g}, expected {want:.8g}{at}", what=what,
               got=float(got[where]), want=float(expected[where]), at=f" at {list(where)}" if where else "")


def _as_float64(x):
    """x as a float64 tensor, without a detour through float32 (Python floats would take one)."""
    if isinstance(x, torch.Tensor):
        return x.detach().double()
    return torch.as_tensor(np.asarray(x, dtype=np.float64))


@contextlib.contextmanager
def forbidden(*names, reason="the exercise asks you to write it yourself"):
    """Within the block, calling any of the named functions (such as 'torch.softmax') raises AssertionError."""
    saved = []
    try:
        for name in names:
            owner_name, attribute = name.rsplit(".", 1)
            owner = _resolve(owner_name)
            if owner is None or not hasattr(owner, attribute):
                continue  # not in this PyTorch version: nothing a student could call
            saved.append((owner, attribute, getattr(owner, attribute)))
            setattr(owner, attribute, _refusal(name, reason))
        yield
    finally:
        for owner, attribute, original in reversed(saved):
            setattr(owner, attribute, original)


def not_used(function, *names, reason="the exercise asks you to write it yourself"):
    """Expect none of the names (such as 'logsumexp') to occur in the source code of the student's function."""
    source = inspect.getsource(function)
    for name in names:
        expect(name not in source, "{function} uses {name}: {reason}",
               function=function.__name__, name=name, reason=reason)


def _resolve(dotted):
    """The module or class a dotted name such as 'torch.Tensor' refers to (None where it does not exist)."""
    module_name, _, rest = dotted.partition(".")
    owner = importlib.import_module(module_name)
    for part in rest.split(".") if rest else []:
        try:
            owner = getattr(owner, part, None) or importlib.import_module(f"{owner.__name__}.{part}")
        except ImportError:
            return None
    return owner


def _refusal(name, reason):
    """A stand-in for a forbidden function: calling it fails with a message naming it."""
    def refuse(*args, **kwargs):
        expect(False, "{name} is not allowed here: {reason}", name=name, reason=reason)
    return refuse
