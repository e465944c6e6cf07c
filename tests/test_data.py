"""Data loading: resolution of the data folder, file checks, and the two paths agreeing."""
import gzip
import shutil

import pytest
import torch

from d2lmini import data


def test_names_are_normalised_and_unknown_names_rejected():
    assert data.dataset_spec("FashionMNIST").name == "fashion-mnist"
    assert data.dataset_spec("fashion_mnist").name == "fashion-mnist"
    assert data.dataset_spec("MNIST").name == "mnist"
    with pytest.raises(ValueError, match="unknown data set 'cifar'.*fashion-mnist, mnist"):
        data.dataset_spec("cifar")


def test_data_root_prefers_argument_then_environment_then_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("D2LMINI_DATA", str(tmp_path / "env"))
    assert data.data_root(tmp_path / "arg") == tmp_path / "arg"
    assert data.data_root() == tmp_path / "env"
    monkeypatch.delenv("D2LMINI_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert data.data_root() == tmp_path / "cache" / "d2lmini"


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, "64", True, None])
def test_bad_batch_sizes_are_rejected(batch_size):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        data.load_data("mnist", batch_size)


def test_shapes_dtypes_and_sizes(fashion):
    train_iter, test_iter = fashion
    X, y = next(iter(train_iter))
    assert X.shape == (256, 1, 28, 28) and X.dtype == torch.float32
    assert y.shape == (256,) and y.dtype == torch.int64
    assert 0.0 <= X.min() and X.max() <= 1.0
    assert len(train_iter.X) == 60000 and len(test_iter.X) == 10000
    assert len(train_iter) == 235 and len(test_iter) == 40
    assert sum(len(y) for _, y in test_iter) == 10000
    assert torch.bincount(train_iter.y).tolist() == [6000] * 10


def test_labels():
    assert data.get_fashion_mnist_labels([0, 9, 5]) == ["t-shirt", "ankle boot", "sandal"]
    assert data.get_labels("mnist", torch.tensor([7, 0])) == ["7", "0"]


def test_shuffling_is_seeded_and_covers_every_example(data_root):
    a, _ = data.load_data("mnist", 1000, root=data_root, seed=1)
    b, _ = data.load_data("mnist", 1000, root=data_root, seed=1)
    c, _ = data.load_data("mnist", 1000, root=data_root, seed=2)
    ya, yb, yc = (torch.cat([y for _, y in it]) for it in (a, b, c))
    assert torch.equal(ya, yb) and not torch.equal(ya, yc)
    assert torch.equal(torch.bincount(ya), torch.bincount(a.y))
    assert not torch.equal(torch.cat([y for _, y in a]), ya), "a second epoch must reshuffle"


@pytest.mark.parametrize("kwargs", [{}, {"normalize": True}, {"resize": 14, "normalize": (0.5, 0.25)}])
def test_fast_and_classic_paths_yield_identical_batches(data_root, kwargs):
    _, fast = data.load_data("fashion-mnist", 500, root=data_root, **kwargs)
    _, classic = data.load_data("fashion-mnist", 500, root=data_root, in_memory=False, **kwargs)
    assert len(fast) == len(classic) == 20
    for (Xf, yf), (Xc, yc) in zip(fast, classic):
        assert torch.equal(Xf, Xc) and torch.equal(yf, yc)


def test_both_paths_shuffle_in_the_same_seeded_order(data_root):
    fast, _ = data.load_data("mnist", 64, root=data_root, seed=7)
    classic, _ = data.load_data("mnist", 64, root=data_root, seed=7, in_memory=False)
    for epoch in range(2):
        for (Xf, yf), (Xc, yc), _ in zip(fast, classic, range(3)):
            assert torch.equal(Xf, Xc) and torch.equal(yf, yc), f"epoch {epoch}"


def test_normalisation_constants_match_the_data(data_root):
    for name in data.DATASETS:
        mean, std = data.normalization_stats(name, root=data_root)
        spec = data.DATASETS[name]
        assert mean == pytest.approx(spec.mean, abs=5e-5) and std == pytest.approx(spec.std, abs=5e-5)
    train_iter, _ = data.load_data("mnist", 256, root=data_root, normalize=True)
    assert train_iter.X.mean().item() == pytest.approx(0.0, abs=1e-3)
    assert train_iter.X.std().item() == pytest.approx(1.0, abs=1e-3)


def test_validation_split_is_disjoint_and_seeded(data_root):
    train_iter, val_iter, test_iter = data.load_data_splits("mnist", 256, 5000, root=data_root, seed=3)
    assert (len(train_iter.X), len(val_iter.X), len(test_iter.X)) == (55000, 5000, 10000)
    again = data.load_data_splits("mnist", 256, 5000, root=data_root, seed=3)[1]
    assert torch.equal(val_iter.X, again.X)
    with pytest.raises(ValueError, match="val_size"):
        data.load_data_splits("mnist", 256, 0, root=data_root)


def test_missing_data_offline_gives_one_clear_error(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("network is unreachable")
    import torchvision
    monkeypatch.setattr(torchvision.datasets.FashionMNIST, "download", offline)
    spec = data.DatasetSpec("fashion-mnist", "FashionMNIST", data.FASHION_MNIST_LABELS, 0.286, 0.353,
                            (str(tmp_path / "no-debian"),))
    monkeypatch.setitem(data.DATASETS, "fashion-mnist", spec)
    with pytest.raises(data.DataError) as err:
        data.load_data_fashion_mnist(256, root=tmp_path)
    message = str(err.value)
    assert str(tmp_path / "FashionMNIST" / "raw") in message and "no-debian" in message
    assert "(1)" in message and "(2) point D2LMINI_DATA" in message and "apt-get install" in message
    assert "network is unreachable" in message
    with pytest.raises(data.DataError, match="data not found"):
        data.load_data_mnist(256, root=tmp_path, download=False)


def _copy_raw(data_root, tmp_path, folder="MNIST"):
    shutil.copytree(data_root / folder, tmp_path / folder)
    return tmp_path / folder / "raw"


def test_truncated_file_is_reported(data_root, tmp_path):
    raw = _copy_raw(data_root, tmp_path)
    path = raw / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:100000])
    with pytest.raises(data.DataError, match="t10k-images-idx3-ubyte is truncated.*delete it"):
        data.load_data_mnist(64, root=tmp_path, download=False)


def test_corrupt_bytes_and_bad_header_are_reported(data_root, tmp_path):
    raw = _copy_raw(data_root, tmp_path)
    labels = raw / "t10k-labels-idx1-ubyte"
    content = bytearray(labels.read_bytes())
    content[500] ^= 0xFF
    labels.write_bytes(bytes(content))
    with pytest.raises(data.DataError, match="sha256 mismatch"):
        data.load_data_mnist(64, root=tmp_path, download=False)
    labels.write_bytes(b"<html>404 not found</html>")
    with pytest.raises(data.DataError, match="not an IDX file"):
        data.read_idx(labels)


def test_offline_gzip_copy_is_used_like_debians(data_root, tmp_path, monkeypatch):
    debian = tmp_path / "debian"
    debian.mkdir()
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-labels-idx1-ubyte"):
        (debian / (name + ".gz")).write_bytes(gzip.compress((data_root / "FashionMNIST/raw" / name).read_bytes(), 1))
    (debian / "train-images-idx3-ubyte").symlink_to(data_root / "FashionMNIST/raw/train-images-idx3-ubyte")
    spec = data.DatasetSpec("fashion-mnist", "FashionMNIST", data.FASHION_MNIST_LABELS, 0.286, 0.353, (str(debian),))
    monkeypatch.setitem(data.DATASETS, "fashion-mnist", spec)
    root = tmp_path / "cache"
    assert data.find_raw_files("fashion-mnist", False, root) == (debian / "t10k-images-idx3-ubyte.gz",
                                                                 debian / "t10k-labels-idx1-ubyte.gz")
    X, y = data.load_tensors("fashion-mnist", False, root=root, download=False)
    assert X.shape == (10000, 1, 28, 28) and y[:3].tolist() == [9, 2, 1]
    dataset = data.get_dataset("fashion-mnist", False, root=root, download=False)
    assert len(dataset) == 10000 and (root / "FashionMNIST/raw/t10k-images-idx3-ubyte").is_file()


def test_tensor_loader_checks_lengths_and_serves_the_tail():
    X, y = torch.arange(10.0).reshape(10, 1), torch.arange(10)
    with pytest.raises(ValueError, match="X has 10 examples but y has 9"):
        data.TensorLoader(X, y[:9], 4)
    loader = data.TensorLoader(X, y, 4)
    assert [len(b) for b, _ in loader] == [4, 4, 2] and len(loader) == 3


def test_a_tensor_loader_is_freed_as_soon_as_it_is_dropped():
    import gc
    import weakref
    loader = data.TensorLoader(torch.zeros(8, 1, 28, 28, dtype=torch.uint8), torch.zeros(8, dtype=torch.long), 4,
                               norm=None)
    assert len(loader.dataset) == 8
    ref = weakref.ref(loader)
    gc.disable()  # no reference cycle: its images go at once, not at the next full collection
    try:
        del loader
        assert ref() is None
    finally:
        gc.enable()
