"""Fashion-MNIST and MNIST: finding the files, checking them, and serving minibatches fast."""
import gzip
import hashlib
import math
import numbers
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .checks import check_nonnegative_int, check_positive_int

__all__ = [
    "DataError", "DATASETS", "FASHION_MNIST_LABELS", "dataset_spec", "data_root", "find_raw_files",
    "read_idx", "load_tensors", "get_dataset", "get_fashion_mnist_labels", "get_labels",
    "normalization_stats", "EpochPermutation", "TensorLoader", "load_data", "load_data_splits",
    "load_data_fashion_mnist", "load_data_mnist",
]

FASHION_MNIST_LABELS = ("t-shirt", "trouser", "pullover", "dress", "coat",
                        "sandal", "shirt", "sneaker", "bag", "ankle boot")

# sha256 of the four canonical (uncompressed) IDX files of each data set.
_SHA256 = {
    "FashionMNIST": {
        "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
    "MNIST": {
        "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
}


class DataError(RuntimeError):
    """The data files are missing or damaged; the message says where we looked and what to do."""


@dataclass(frozen=True)
class DatasetSpec:
    """What d2lmini knows about one data set."""
    name: str
    folder: str
    labels: tuple
    mean: float
    std: float
    offline_dirs: tuple = ()


DATASETS = {
    "fashion-mnist": DatasetSpec("fashion-mnist", "FashionMNIST", FASHION_MNIST_LABELS, 0.2860, 0.3530,
                                 ("/usr/share/datasets/fashion-mnist",)),
    "mnist": DatasetSpec("mnist", "MNIST", tuple(str(i) for i in range(10)), 0.1307, 0.3081),
}


def dataset_spec(name):
    """The DatasetSpec for a name such as 'fashion-mnist', 'FashionMNIST' or 'mnist'."""
    key = str(name).lower().replace("_", "-")
    key = {"fashionmnist": "fashion-mnist", "fmnist": "fashion-mnist"}.get(key, key)
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    return DATASETS[key]


def data_root(root=None):
    """The data folder: the root argument, else $D2LMINI_DATA, else a per-user cache folder."""
    if root is None:
        root = os.environ.get("D2LMINI_DATA") or _cache_dir()
    return Path(root).expanduser()


def _cache_dir():
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "d2lmini"


def _file_names(train):
    prefix = "train" if train else "t10k"
    return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


def _candidates(spec, root, file_name):
    raw = root / spec.folder / "raw"
    yield raw / file_name
    yield raw / (file_name + ".gz")
    for folder in spec.offline_dirs:
        yield Path(folder) / (file_name + ".gz")
        yield Path(folder) / file_name


def find_raw_files(name, train=True, root=None):
    """Paths of the (images, labels) IDX files, or None for each one that is nowhere to be found."""
    spec, root = dataset_spec(name), data_root(root)
    return tuple(next((p for p in _candidates(spec, root, f) if p.is_file()), None) for f in _file_names(train))


def _missing_message(spec, root, missing=()):
    looked = [str(root / spec.folder / "raw"), *spec.offline_dirs]
    what = f" (missing {', '.join(missing)})" if missing else ""
    ways = [f"connect to the internet once and run again: torchvision downloads the files into {root}",
            f"point D2LMINI_DATA (or root=) at a folder that holds {spec.folder}/raw/*-ubyte"]
    if spec.offline_dirs:
        ways.append(f"install an offline copy: sudo apt-get install dataset-{spec.name} (Debian/Ubuntu)")
    else:
        ways.append(f"copy the four {spec.folder} *-ubyte files into {root / spec.folder / 'raw'}")
    return (f"{spec.name} data not found{what}; looked in: {'; '.join(looked)}. To get it: "
            + "; or ".join(f"({i}) {w}" for i, w in enumerate(ways, 1)) + ".")


def _first_missing(path):
    """The topmost folder of path that does not exist yet (what a download would create), or None."""
    path, created = Path(os.path.abspath(path)), None
    while not os.path.lexists(path):
        created, path = path, path.parent
    return created


def _download(spec, root, missing):
    import contextlib
    import io

    import torchvision
    created = _first_missing(root / spec.folder / "raw")
    chatter = io.StringIO()  # torchvision prints each URL it tries: the one-line message says what matters
    try:
        with contextlib.redirect_stdout(chatter), contextlib.redirect_stderr(chatter):
            getattr(torchvision.datasets, spec.folder)(root, train=True, download=True)
            getattr(torchvision.datasets, spec.folder)(root, train=False, download=True)
    except Exception as err:  # any network or disk failure ends in the same advice
        if created is not None:  # leave no empty or half-filled folders behind, parents of root included
            shutil.rmtree(created, ignore_errors=True)
        reason = " ".join(str(err).split())[:200]
        raise DataError(_missing_message(spec, root, missing) + f" (download failed: {reason})") from None


def _missing_names(spec, train, paths):
    return [name for name, path in zip(_file_names(train), paths) if path is None]


def _check_not_broken(spec, root, train):
    """Refuse a root that is a file, and a data file that is a folder, a link loop or unreadable: named, at once."""
    if os.path.lexists(root) and not root.is_dir():
        raise DataError(f"the data folder {root} is {'a broken link' if root.is_symlink() else 'a file'}, not a "
                        "folder; name a folder with root= (--root) or D2LMINI_DATA")
    for file_name in _file_names(train):
        for path in _candidates(spec, root, file_name):
            if os.path.lexists(path) and not path.is_file():
                what = "a folder" if path.is_dir() else "a link that leads nowhere (broken or a loop)" \
                    if path.is_symlink() else "not a regular file"
                raise DataError(f"{path} is {what}, not a data file; remove it and get the file again")


def _locate(spec, train, root, download):
    _check_not_broken(spec, root, train)
    paths = find_raw_files(spec.name, train, root)
    if None in paths and download:
        _download(spec, root, _missing_names(spec, train, paths))
        paths = find_raw_files(spec.name, train, root)
    if None in paths:
        raise DataError(_missing_message(spec, root, _missing_names(spec, train, paths)))
    return paths


def read_idx(path, sha256=None):
    """Decode one IDX file (optionally gzipped) into a uint8 array, checking header, size and sha256."""
    path = Path(path)
    if not os.path.lexists(path):
        raise DataError(f"{path} does not exist")
    if not path.is_file():
        raise DataError(f"{path} is {'a folder' if path.is_dir() else 'not a regular file'}, not an IDX data file")
    try:
        data = _read_whole(path)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise DataError(f"{path} is damaged ({err}); delete it and download or copy it again") from None
    ndim = data[3] if len(data) >= 4 else 0
    if len(data) < 4 + 4 * ndim or data[:3] != b"\x00\x00\x08" or ndim not in (1, 3):
        raise DataError(f"{path} is not an IDX file of unsigned bytes; delete it and get it again")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    offset = 4 + 4 * ndim
    if len(data) != offset + math.prod(shape):
        raise DataError(f"{path} is truncated (its header promises {shape}, it holds "
                        f"{len(data) - offset} bytes of data); delete it and get it again")
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise DataError(f"{path} is damaged or not the official file (sha256 mismatch); "
                        "delete it and download or copy it again")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(shape)


def _read_whole(path):
    """A file's bytes (gunzipped for .gz) read into one writable buffer of the final size, never two copies."""
    if path.suffix != ".gz":
        size, opener = path.stat().st_size, open
    else:
        with open(path, "rb") as f:  # gzip's trailer holds the unpacked size (modulo 2**32)
            f.seek(-4, os.SEEK_END)
            size, opener = int.from_bytes(f.read(4), "little"), gzip.open
    data = bytearray(size)
    with opener(path, "rb") as f:
        if f.readinto(data) != size or f.read(1):
            raise EOFError("its length is not the one it declares")
    return data


def load_tensors(name, train=True, *, root=None, download=True):
    """The whole split as (uint8 images of shape (N, 1, 28, 28), int64 labels of shape (N,))."""
    spec = dataset_spec(name)
    images_path, labels_path = _locate(spec, train, data_root(root), download)
    images_name, labels_name = _file_names(train)
    images = read_idx(images_path, _SHA256[spec.folder][images_name])
    labels = read_idx(labels_path, _SHA256[spec.folder][labels_name])
    if len(images) != len(labels):
        raise DataError(f"{images_path} holds {len(images)} images but {labels_path} {len(labels)} labels")
    return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


def _ensure_torchvision_layout(spec, root, train, download):
    """Make root/<folder>/raw hold the plain IDX files torchvision reads; check the split in use and any copy."""
    raw = root / spec.folder / "raw"
    for split in (True, False):  # torchvision wants both splits present, whichever it loads
        for path, file_name in zip(_locate(spec, split, root, download), _file_names(split)):
            target = raw / file_name
            if path != target:
                _unpack(path, target)
            if split == train or path != target:
                read_idx(target, _SHA256[spec.folder][file_name])


def _unpack(path, target):
    """Copy (gunzip if needed) path to target atomically: a temporary file renamed into place when complete."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with opener(path, "rb") as src, open(tmp, "xb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(tmp, target)
    except BaseException as err:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # a read-only folder refuses even that: the error that matters is the one below
            pass
        if isinstance(err, (OSError, EOFError)):
            why = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            raise DataError(f"could not unpack {path} into {target} ({why}); the classic loader (in_memory=False) "
                            "needs the plain files in a writable folder: copy the data into one and point "
                            "root= (--root) or D2LMINI_DATA at it, or use the in-memory loader") from None
        raise


def get_dataset(name, train=True, *, root=None, transform=None, download=True):
    """The plain torchvision Dataset (PIL images, int labels) after checking the files are sound."""
    import torchvision
    spec, root = dataset_spec(name), data_root(root)
    _ensure_torchvision_layout(spec, root, train, download)
    return getattr(torchvision.datasets, spec.folder)(root, train=train, transform=transform, download=False)


def get_labels(name, indices):
    """Text labels of a data set for an iterable of class indices."""
    labels = dataset_spec(name).labels
    if isinstance(indices, (torch.Tensor, np.ndarray)) and indices.ndim > 1:
        raise ValueError(f"class indices must be 1-D (one per example), got shape {tuple(indices.shape)}; for "
                         "scores pass scores.argmax(dim=1)")
    out = []
    for i in indices:
        if isinstance(i, torch.Tensor):
            i = i.item()
        if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 0 <= i < len(labels):
            raise ValueError(f"class indices of {name} must be whole numbers from 0 to {len(labels) - 1}, got {i!r}")
        out.append(labels[int(i)])
    return out


def get_fashion_mnist_labels(indices):
    """Fashion-MNIST text labels ('t-shirt', 'trouser', ...) for class indices."""
    return get_labels("fashion-mnist", indices)


def normalization_stats(name, *, root=None):
    """Mean and standard deviation of all training pixels scaled to [0, 1], computed from the data."""
    images, _ = load_tensors(name, True, root=root)
    X = images.to(torch.float64) / 255
    return X.mean().item(), X.std().item()


def _normalize_args(spec, normalize):
    if normalize is None or normalize is False:
        return None
    if normalize is True:
        return spec.mean, spec.std
    try:
        mean, std = (float(v) for v in normalize)
    except (TypeError, ValueError):
        raise ValueError(f"normalize must be True, False, None or a pair (mean, std), got {normalize!r}") from None
    if not (math.isfinite(mean) and math.isfinite(std) and std > 0):
        raise ValueError(f"normalize=(mean, std) needs a finite mean and a positive finite std, got {normalize!r}")
    return mean, std


def _check_resize(resize):
    if resize is None:
        return
    sizes = resize if isinstance(resize, (tuple, list)) else (resize,)
    if not (1 <= len(sizes) <= 2 and all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1
                                         for v in sizes)):
        raise ValueError(f"resize must be a positive integer or a (height, width) pair of them, got {resize!r}")


def _check_batch_size(batch_size):
    return check_positive_int(batch_size, "batch_size")


def _check_seed(seed):
    return None if seed is None else check_nonnegative_int(seed, "seed", 2**64 - 1)


class EpochPermutation(torch.utils.data.Sampler):
    """Indices 0..n-1 in a fresh seeded random order each epoch: the one shuffle both paths share."""

    def __init__(self, n, seed=None):
        self.n, self.generator = n, torch.Generator()
        seed = _check_seed(seed)
        if seed is None:
            self.generator.seed()
        else:
            self.generator.manual_seed(seed)

    def __len__(self):
        return self.n

    def permutation(self):
        """The next epoch's order as a tensor of indices."""
        return torch.randperm(self.n, generator=self.generator)

    def __iter__(self):
        return iter(self.permutation().tolist())


class _FloatImages(torch.utils.data.Dataset):
    """The examples of a TensorLoader one at a time, images as the float32 it serves."""

    def __init__(self, loader):
        self.loader = loader

    def __len__(self):
        return len(self.loader.y)

    def __getitem__(self, i):
        return self.loader._float(self.loader.images[i:i + 1])[0], self.loader.y[i]


class TensorLoader:
    """Minibatches served from tensors held in memory (or on a GPU): the fast path.

    X may be float images, served as they are, or uint8 images with norm=None or (mean, std): kept as uint8 (a
    quarter of the memory) and each batch converted when it is served, x / 255 then (x - mean) / std, the same
    numbers as converting the whole set first. X is always the float images (made on demand from uint8 ones).
    """

    def __init__(self, X, y, batch_size, shuffle=False, seed=None, *, norm=False):
        batch_size = check_positive_int(batch_size, "batch_size")
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} examples but y has {len(y)}")
        if norm is not False and X.dtype != torch.uint8:
            raise ValueError(f"norm applies to uint8 images only, got dtype {X.dtype}")
        self.images, self.y, self.batch_size, self.shuffle, self.norm = X, y, batch_size, shuffle, norm
        self.sampler = EpochPermutation(len(X), seed)
        self.generator = self.sampler.generator

    def _float(self, images):
        """Images as served: uint8 ones scaled to [0, 1] and normalised, float ones unchanged."""
        if self.norm is False:
            return images
        X = images.float().div_(255)
        return X if self.norm is None else X.sub_(self.norm[0]).div_(self.norm[1])

    @property
    def dataset(self):
        """The examples one at a time, as a Dataset (made on access: held, it would tie the loader in a cycle)."""
        return _FloatImages(self)

    @property
    def X(self):
        """All the images as served (float32); made on demand where they are held as uint8."""
        return self._float(self.images)

    def __len__(self):
        return math.ceil(len(self.images) / self.batch_size)

    def __iter__(self):
        n = len(self.images)
        if not self.shuffle:
            for i in range(0, n, self.batch_size):
                yield self._float(self.images[i:i + self.batch_size]), self.y[i:i + self.batch_size]
            return
        order = self.sampler.permutation().to(self.images.device)
        for i in range(0, n, self.batch_size):
            idx = order[i:i + self.batch_size]
            yield self._float(self.images.index_select(0, idx)), self.y.index_select(0, idx)


def _transform(resize, norm):
    from torchvision import transforms
    steps = [transforms.ToTensor()]
    if resize:
        steps.append(transforms.Resize(resize, antialias=True))
    if norm:
        steps.append(transforms.Normalize((norm[0],), (norm[1],)))
    return transforms.Compose(steps)


def _in_memory(spec, train, resize, norm, root, download, device):
    """(images, y, norm for TensorLoader): uint8 images converted per batch, or float ones where resized."""
    images, y = load_tensors(spec.name, train, root=root, download=download)
    images = images.to(device)
    if not resize:
        return images, y.to(device), norm
    from torchvision.transforms import functional as F
    X = F.resize(images.float().div_(255), resize, antialias=True)
    if norm:
        X = X.sub_(norm[0]).div_(norm[1])
    return X, y.to(device), False


def load_data(name, batch_size, resize=None, *, root=None, normalize=None, device=None, seed=None,
              in_memory=True, num_workers=0, download=True):
    """(train_iter, test_iter); in_memory=False uses torchvision's per-sample DataLoader (same batch order)."""
    _check_batch_size(batch_size)
    _check_resize(resize)
    _check_seed(seed)
    batch_size = int(batch_size)
    spec = dataset_spec(name)
    norm = _normalize_args(spec, normalize)
    if in_memory and num_workers:
        raise ValueError("num_workers applies to the classic path only: pass in_memory=False, or drop num_workers")
    if not in_memory and device is not None:
        raise ValueError("device applies to the in-memory path only: drop in_memory=False, or move each batch "
                         "with X.to(device)")
    if in_memory:
        loaders = []
        for train in (True, False):
            X, y, served = _in_memory(spec, train, resize, norm, root, download, device)
            loaders.append(TensorLoader(X, y, batch_size, shuffle=train, seed=seed, norm=served))
        return tuple(loaders)
    transform = _transform(resize, norm)
    loaders = []
    for train in (True, False):
        dataset = get_dataset(spec.name, train, root=root, transform=transform, download=download)
        loaders.append(torch.utils.data.DataLoader(
            dataset, batch_size, sampler=EpochPermutation(len(dataset), seed) if train else None,
            num_workers=num_workers, persistent_workers=num_workers > 0))
    return tuple(loaders)


def load_data_splits(name, batch_size, val_size=10000, *, seed=0, root=None, normalize=None, device=None,
                     download=True):
    """(train_iter, val_iter, test_iter) in memory, with val_size training examples held out by seed."""
    _check_batch_size(batch_size)
    spec = dataset_spec(name)
    norm = _normalize_args(spec, normalize)
    seed = _check_seed(seed)
    val_size = check_positive_int(val_size, "val_size")
    X, y, served = _in_memory(spec, True, None, norm, root, download, device)
    if not val_size < len(X):
        raise ValueError(f"val_size must be between 1 and {len(X) - 1}, got {val_size}")
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed)).to(X.device)
    val, keep = order[:val_size], order[val_size:]
    X_test, y_test, _ = _in_memory(spec, False, None, norm, root, download, device)
    return (TensorLoader(X[keep], y[keep], batch_size, shuffle=True, seed=seed, norm=served),
            TensorLoader(X[val], y[val], batch_size, norm=served),
            TensorLoader(X_test, y_test, batch_size, norm=served))


def load_data_fashion_mnist(batch_size, resize=None, **kwargs):
    """Fashion-MNIST as (train_iter, test_iter); see load_data for the keyword arguments."""
    return load_data("fashion-mnist", batch_size, resize, **kwargs)


def load_data_mnist(batch_size, resize=None, **kwargs):
    """MNIST as (train_iter, test_iter); see load_data for the keyword arguments."""
    return load_data("mnist", batch_size, resize, **kwargs)
