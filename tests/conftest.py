"""Shared fixtures: the real data folder from $D2LMINI_DATA, skipped with a reason when absent."""
import os
from pathlib import Path

import pytest


def _shared_data():
    root = os.environ.get("D2LMINI_DATA")
    if root and (Path(root) / "FashionMNIST" / "raw").is_dir() and (Path(root) / "MNIST" / "raw").is_dir():
        return Path(root)
    return None


@pytest.fixture(scope="session")
def data_root():
    """The folder holding FashionMNIST/raw and MNIST/raw."""
    root = _shared_data()
    if root is None:
        pytest.skip("set D2LMINI_DATA to a folder holding FashionMNIST/raw and MNIST/raw to run data tests")
    return root


@pytest.fixture(scope="session")
def fashion(data_root):
    """Fashion-MNIST in memory, batch 256, seed 0."""
    import d2lmini
    return d2lmini.load_data_fashion_mnist(256, root=data_root, seed=0)
