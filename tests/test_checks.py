"""Issue 17: silent wrong results and misleading messages of the API; each is now one ValueError naming it."""
import json
import math
import os

import numpy as np
import pytest
import torch

from d2lmini import checks, data, metrics, plot, scratch, training
from d2lmini.data import DataError, TensorLoader

W, b = torch.zeros(784, 10), torch.zeros(10)
Y4 = torch.tensor([0, 1, 2, 0])


@pytest.mark.parametrize("call, message", [
    # scratch: broadcasting and negative indexing gave numbers
    (lambda: scratch.net(torch.rand(4, 1, 56, 28), W, b), r"each example of X must have 784 values .*1568 values"),
    (lambda: scratch.cross_entropy(torch.rand(3, 10), torch.tensor([0])), "y_hat has 3 rows but y has 1 labels"),
    (lambda: scratch.cross_entropy(torch.rand(2, 10), torch.tensor([0, -1])), "negative class index"),
    (lambda: scratch.cross_entropy_logits(torch.rand(2, 10), torch.tensor([0, 10])), "only 10 classes"),
    (lambda: scratch.sgd([torch.zeros(3, requires_grad=True)], 0.1), "parameter 0 .* has no gradient"),
    # metrics
    (lambda: metrics.expected_calibration_error(torch.full((4, 3), 0.9), Y4), "rows must each sum to 1"),
    (lambda: metrics.precision_recall_f1(torch.tensor([[3, -1], [0, 2]])), "negative count"),
    (lambda: metrics.most_confused_pairs(torch.ones(2, 3)), "must be a square matrix"),
    (lambda: metrics.most_confused_pairs(torch.ones(3, 3), k=-1), "k must be an integer >= 0"),
    (lambda: metrics.precision_recall_f1(torch.tensor([[1.0, math.nan], [0.0, 2.0]])), "NaN or infinite count"),
    (lambda: metrics.precision_recall_f1(torch.ones(3)), "must be a square matrix"),
    (lambda: metrics.precision_recall_f1(torch.zeros(0, 0)), "is empty"),
    (lambda: metrics.precision_recall_f1(torch.tensor([[1.5, 0.0], [0.0, 2.0]])), "whole counts"),
    (lambda: metrics.nll(torch.randn(4, 3), Y4, temperature=-1), "temperature must be a positive finite"),
    (lambda: metrics.nll(torch.randn(4, 3), Y4, temperature=0), "temperature must be a positive finite"),
    (lambda: metrics.nll(torch.randn(4, 3), Y4, temperature=math.nan), "temperature must be a positive finite"),
    (lambda: metrics.roc_auc_ovr(torch.rand(4, 3, dtype=torch.complex64), Y4), "must be real numbers"),
    (lambda: metrics.confusion_matrix(Y4, Y4, num_classes=0), "num_classes must be a positive integer, got 0"),
    (lambda: metrics.confusion_matrix(Y4, Y4, num_classes=2.5), "num_classes must be a positive integer"),
    (lambda: metrics.confusion_matrix(["a", "b"], ["a", "b"]), "y_true must be numbers"),
    (lambda: metrics.predict_logits(torch.nn.Linear(3, 2), []), "yielded no batches"),
    (lambda: training.accuracy(torch.full((4, 3), math.nan), Y4), "NaN score"),
    (lambda: training.evaluate_accuracy(torch.nn.Linear(3, 10), TensorLoader(torch.rand(4, 3),
                                        torch.tensor([12, 0, 1, 2]), 2)), "class index 12 but there are only 10"),
    # data
    (lambda: data.EpochPermutation(10, seed=2**70), "seed must be an integer from 0 to"),
    (lambda: data.get_labels("mnist", torch.zeros(2, 3, dtype=torch.long)), "must be 1-D"),
    (lambda: plot.Animator().add(1, (1, 2)) or plot.Animator.add(_animator3(), 1, (1, 2)), "this plot has 3 lines"),
])
def test_bad_input_is_one_value_error_naming_the_problem(call, message):
    with pytest.raises(ValueError, match=message) as err:
        call()
    assert "\n" not in str(err.value)


def _animator3():
    a = plot.Animator()
    a.add(1, (1, 2, 3))
    return a


def test_numpy_integers_are_positive_integers_everywhere():
    assert checks.check_positive_int(np.int64(5), "n_bins") == 5
    probs = torch.softmax(torch.randn(8, 3), dim=1)
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    assert metrics.reliability_bins(probs, y, n_bins=np.int64(5)).counts.numel() == 5
    assert TensorLoader(torch.rand(4, 3), Y4, np.int32(2)).batch_size == 2
    for bad in (True, 2.0, 0, -3, "4"):
        with pytest.raises(ValueError, match="must be a positive integer"):
            checks.check_positive_int(bad, "n")


def test_val_size_must_be_a_whole_number(data_root):
    with pytest.raises(ValueError, match="val_size must be a positive integer, got 2.5"):
        data.load_data_splits("fashion-mnist", 256, val_size=2.5)
    with pytest.raises(ValueError, match="seed must be an integer from 0 to 18446744073709551615, got"):
        data.load_data("fashion-mnist", 256, seed=2**70)


def test_read_idx_tells_a_folder_and_a_missing_path_from_a_damaged_file(tmp_path):
    with pytest.raises(DataError, match="is a folder, not an IDX data file"):
        data.read_idx(tmp_path)
    with pytest.raises(DataError, match="does not exist$"):
        data.read_idx(tmp_path / "nope")


@pytest.mark.parametrize("make, message", [
    (lambda raw: (raw / "t10k-images-idx3-ubyte").mkdir(), "is a folder, not a data file"),
    (lambda raw: (raw / "t10k-images-idx3-ubyte").symlink_to(raw / "t10k-images-idx3-ubyte"), "loop"),
])
def test_a_data_file_that_is_a_folder_or_a_link_loop_is_named_not_downloaded(tmp_path, monkeypatch, make, message):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    make(raw)
    monkeypatch.setattr(data, "_download", lambda *a: pytest.fail("tried a download"))
    with pytest.raises(DataError, match=message):
        data.load_tensors("fashion-mnist", False, root=tmp_path)


def test_a_root_that_is_a_file_is_named(tmp_path, monkeypatch):
    (tmp_path / "f").write_text("x")
    monkeypatch.setattr(data, "_download", lambda *a: pytest.fail("tried a download"))
    with pytest.raises(DataError, match="is a file, not a folder"):
        data.load_tensors("mnist", root=tmp_path / "f")


def test_offline_not_found_is_one_line_and_a_new_root_leaves_nothing_behind(tmp_path, monkeypatch, capsys):
    import torchvision

    def offline(root, train, download):
        os.makedirs(os.path.join(root, "MNIST", "raw"), exist_ok=True)
        print("Downloading https://example.invalid/train-images-idx3-ubyte.gz")
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz:\nTried https://a, got:\n<urlopen error>")

    monkeypatch.setattr(torchvision.datasets, "MNIST", offline)
    root = tmp_path / "nonexistent" / "zzz"
    with pytest.raises(DataError) as err:
        data.load_tensors("mnist", root=root)
    assert "\n" not in str(err.value) and "download failed: Error downloading" in str(err.value)
    assert capsys.readouterr().out == "" and list(tmp_path.iterdir()) == [], "folders above root were left"


def test_classic_loader_on_a_read_only_gz_only_folder_is_a_data_error(data_root, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write into read-only folders")
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    src = data_root / "FashionMNIST" / "raw"
    import gzip
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (raw / f"{name}.gz").write_bytes(gzip.compress((src / name).read_bytes(), compresslevel=1))
    raw.chmod(0o555)
    try:
        with pytest.raises(DataError, match="could not unpack .* writable folder"):
            data.load_data("fashion-mnist", 256, root=tmp_path, in_memory=False, download=False)
    finally:
        raw.chmod(0o755)


def test_plot_history_takes_the_history_saved_in_metrics_json(tmp_path):
    h = training.History([0.9, 0.6], [0.7, 0.8], [0.72, 0.79], [0.1, 0.1])
    (tmp_path / "metrics.json").write_text(json.dumps({"history": h.as_dict()}))
    saved = json.loads((tmp_path / "metrics.json").read_text())["history"]
    fig = plot.plot_history(saved)
    assert [line.get_ydata().tolist() for line in fig.axes[1].lines] == [[0.7, 0.8], [0.72, 0.79]]
    with pytest.raises(ValueError, match="history has no eval_acc"):
        plot.plot_history({"train_loss": [1], "train_acc": [1]})


@pytest.mark.parametrize("normalize", [None, True])
def test_the_uint8_loader_serves_bit_identical_batches(data_root, normalize):
    train_iter, test_iter = data.load_data("fashion-mnist", 1000, seed=3, normalize=normalize)
    assert train_iter.images.dtype == torch.uint8 and test_iter.images.dtype == torch.uint8
    images, y = data.load_tensors("fashion-mnist", True)
    X = images.float().div_(255)  # the float path as it was: the whole set converted first
    if normalize:
        X = X.sub_(data.DATASETS["fashion-mnist"].mean).div_(data.DATASETS["fashion-mnist"].std)
    reference = TensorLoader(X, y, 1000, shuffle=True, seed=3)
    for (Xa, ya), (Xb, yb) in zip(train_iter, reference):
        assert Xa.dtype == torch.float32 and torch.equal(Xa, Xb) and torch.equal(ya, yb)
    assert torch.equal(train_iter.X, X) and train_iter.dataset[7][0].shape == (1, 28, 28)
    assert torch.equal(train_iter.dataset[7][0], X[7])


def test_a_temperature_may_be_a_one_element_tensor_as_temperature_scaling_returns_it():
    logits, y = torch.randn(6, 3, generator=torch.Generator().manual_seed(0)), torch.tensor([0, 1, 2, 0, 1, 2])
    assert metrics.nll(logits, y, temperature=torch.tensor(0.8)) == pytest.approx(metrics.nll(logits, y, 0.8))
    with pytest.raises(ValueError, match="temperature must be a positive finite"):
        metrics.nll(logits, y, temperature=torch.tensor([0.8, 0.9]))
