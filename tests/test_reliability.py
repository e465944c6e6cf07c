"""Reliability: the main job never loses or mixes results, bad options and inputs end in one clear line.

The interruption tests run the real command in child processes (all scenarios at once, to save wall time),
signal them at a chosen moment and then check the run folder: either nothing was written (an old run left
byte for byte as it was), or a complete folder whose metrics.json describes the model.pt beside it.
"""
import errno
import json
import math
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import torch

import d2lmini
from d2lmini import cli, data, metrics, outdir, scratch
from d2lmini.data import TensorLoader
from d2lmini.training import evaluate_accuracy

# ---------------------------------------------------------------------------------------------------------------
# Options: each mistake is one line naming the option, exit status 2 (the table of cases is in test_cli.py).


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_is_one_line(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--device", "cuda:0"])
    assert "argument --device: CUDA is not available" in capsys.readouterr().err


def test_cuda_index_must_name_an_existing_gpu(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert cli.build_parser().parse_args(["train", "--device", "cuda:1"]).device == torch.device("cuda:1")
    with pytest.raises(SystemExit):
        cli.main(["train", "--device", "cuda:5"])
    assert "argument --device: 'cuda:5': this machine has 2 CUDA device(s), cuda:0 to cuda:1" in capsys.readouterr().err


def test_the_largest_seed_and_a_small_lr_are_accepted():
    args = cli.build_parser().parse_args(["train", "--seed", str(2**64 - 1), "--lr", "1e-30", "--threads", "2"])
    assert (args.seed, args.lr, args.threads) == (2**64 - 1, 1e-30, 2)
    assert cli.build_parser().parse_args(["train"]).threads == 1


# ---------------------------------------------------------------------------------------------------------------
# The run folder, in process, on a 2000-example subset of Fashion-MNIST (fast).


@pytest.fixture
def small_data(fashion, monkeypatch):
    """cli.data.load_data replaced by a 2000/1000-example subset; records whether it was called."""
    train_iter, test_iter = fashion
    calls = []

    def load_data(*args, **kwargs):
        calls.append(args)
        return (TensorLoader(train_iter.X[:2000], train_iter.y[:2000], 256, shuffle=True, seed=0),
                TensorLoader(test_iter.X[:1000], test_iter.y[:1000], 256))

    monkeypatch.setattr(cli.data, "load_data", load_data)
    return calls


def _old_run(out, outside=None):
    """A previous run folder (its content does not matter, only that it survives); model.pt may be a link."""
    out.mkdir(parents=True)
    (out / "metrics.json").write_text('{"test_acc": 0.5, "old": true}\n')
    (out / "curves.png").write_bytes(b"old curves")
    if outside is not None:
        (out / "model.pt").symlink_to(outside)
    else:
        (out / "model.pt").write_bytes(b"old model")
    return _snapshot(out)


def _snapshot(folder):
    return {p.name: (os.readlink(p) if p.is_symlink() else p.read_bytes()) for p in sorted(folder.iterdir())}


def _leftovers(out):
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def _run_files(out):
    """The files of a run folder, its marker file checked and left out."""
    names = sorted(p.name for p in out.iterdir())
    assert outdir.MARKER_FILE in names and outdir.read_marker(out)["kind"] == "d2lmini-run"
    return [n for n in names if n != outdir.MARKER_FILE]


def _accuracy_of_model_pt(folder, test_iter, impl="concise"):
    state = torch.load(folder / "model.pt")
    if impl == "scratch":
        net = scratch.SoftmaxRegressionScratch()
        net.W, net.b = state["W"], state["b"]
    else:
        net = d2lmini.softmax_regression()
        net.load_state_dict(state)
    return evaluate_accuracy(net, test_iter)


def test_run_folder_is_complete_and_self_consistent(small_data, fashion, tmp_path, capsys):
    out = tmp_path / "runs" / "a"
    assert cli.main(["train", "--epochs", "2", "--out", str(out)]) == 0
    assert _run_files(out) == sorted(cli.RUN_FILES) and _leftovers(out) == []
    m = json.loads((out / "metrics.json").read_text())
    assert m["interrupted"] is False and m["epochs"] == 2 and m["threads"] == 1
    test_iter = TensorLoader(fashion[1].X[:1000], fashion[1].y[:1000], 500)
    assert m["test_acc"] == _accuracy_of_model_pt(out, test_iter) == m["history"]["eval_acc"][-1]
    assert "results in" in capsys.readouterr().out


def test_old_run_is_replaced_only_by_a_complete_one_and_links_are_not_followed(small_data, tmp_path):
    outside = tmp_path / "elsewhere.pt"
    outside.write_bytes(b"precious")
    out = tmp_path / "run"
    _old_run(out, outside)
    assert cli.main(["train", "--epochs", "1", "--out", str(out)]) == 0
    assert outside.read_bytes() == b"precious", "a model.pt link in the old run was written through"
    assert not (out / "model.pt").is_symlink() and json.loads((out / "metrics.json").read_text())["epochs"] == 1
    assert _leftovers(out) == []


def test_replacing_without_an_atomic_exchange_also_leaves_one_complete_run(small_data, tmp_path, monkeypatch):
    out = tmp_path / "run"
    _old_run(out)
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)  # e.g. a file system without renameat2
    assert cli.main(["train", "--epochs", "1", "--out", str(out)]) == 0
    assert _run_files(out) == sorted(cli.RUN_FILES) and _leftovers(out) == []


def test_leftovers_of_a_killed_run_are_cleared_and_a_set_aside_old_run_comes_back(tmp_path):
    out = tmp_path / "run"
    work = tmp_path / ".run.tmp-abc"  # killed between the two renames of a swap
    before = _old_run(work / "old")
    (work / "owner").write_text("d2lmini-run\n")
    (work / "out").mkdir()
    (work / "out" / "model.pt").write_bytes(b"half")
    with outdir.output_folder(out, legacy=cli._is_run_folder) as tmp:
        assert _snapshot(out) == before
        assert _leftovers(out) == [".run.lock", tmp.parent.name]
    assert [p.name for p in out.iterdir()] == [outdir.MARKER_FILE]  # the earlier run, replaced by an empty one
    assert _leftovers(out) == []


def test_disk_full_while_writing_is_one_line_and_keeps_the_old_run(small_data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    before = _old_run(out)
    real_write = cli._write_bytes

    def write(path, content):
        if path.name == "curves.png":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real_write(path, content)

    monkeypatch.setattr(cli, "_write_bytes", write)
    assert cli.main(["train", "--epochs", "1", "--out", str(out)]) == 1
    err = _message(capsys.readouterr().err)
    assert err == f"d2lmini: error: --out {out} could not be written: No space left on device\n"
    assert _snapshot(out) == before and _leftovers(out) == []


@pytest.mark.parametrize("make_out, message", [
    (lambda tmp: (tmp / "file").write_text("x") and tmp / "file" / "run", "a parent of it is a file"),
    (lambda tmp: (tmp / "file").write_text("x") and tmp / "file" / "deeper" / "run", "a parent of it is a file"),
    (lambda tmp: (tmp / "file").write_text("x") and tmp / "file", "exists and is not a folder"),
    pytest.param(lambda tmp: Path("/proc/d2lmini-test/run"), "cannot be created",
                 marks=pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's /proc")),
    (lambda tmp: (tmp / "docs").mkdir() or (tmp / "docs" / "thesis.tex").write_text("x") and tmp / "docs",
     "holds files that are not an earlier d2lmini-run output (thesis.tex)"),
    (lambda tmp: (tmp / "real").mkdir() or (tmp / "link").symlink_to(tmp / "real") or tmp / "link",
     "is a symbolic link"),
])
def test_unusable_out_is_refused_before_any_data_is_loaded(small_data, tmp_path, capsys, make_out, message):
    out = make_out(tmp_path)
    assert cli.main(["train", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("d2lmini: error: --out ") and message in err and err.count("\n") == 1
    assert small_data == [], "the data was loaded before --out was checked"


def test_read_only_folder_is_refused_before_any_data_is_loaded(small_data, tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root may write into read-only folders")
    (tmp_path / "ro").mkdir(mode=0o555)
    assert cli.main(["train", "--out", str(tmp_path / "ro" / "run")]) == 1
    assert "is not writable" in capsys.readouterr().err and small_data == []


# ---------------------------------------------------------------------------------------------------------------
# Interruptions and a second run, in child processes running the real command on the real data.

_CHILD = """
import sys, time
import d2lmini.cli as cli
stage = sys.argv[1]
def hold(message):
    print(message, flush=True)
    time.sleep(120)
if stage == "data":
    real_load = cli.data.load_data
    cli.data.load_data = lambda *a, **k: hold("STAGE data")
elif stage == "writing":
    real_write = cli._write_bytes
    def write(path, content):
        real_write(path, content)
        if path.name == "curves.png":
            hold("STAGE writing")
    cli._write_bytes = write
sys.exit(cli.main(["train", *sys.argv[2:]]))
"""


def _default_signals():
    """In the child: SIGINT and SIGTERM as a terminal would deliver them, even when the caller ignores them."""
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


def _child(stage, out, *options):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("MPLBACKEND", None)
    return subprocess.Popen([sys.executable, "-c", _CHILD, stage, "--out", str(out), *options], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,  # bytes: keep the bars' \r
                            preexec_fn=_default_signals)


def _wait_for(proc, marker, timeout=240):
    """Read the child's stdout until a line starts with marker; returns the lines read."""
    lines, deadline = [], time.monotonic() + timeout
    for raw in proc.stdout:
        line = raw.decode()
        lines.append(line)
        if line.startswith(marker):
            return lines
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise AssertionError(f"the child never printed {marker!r}; stdout: {''.join(lines)}; "
                         f"stderr: {proc.stderr.read()[-2000:].decode()}")


def _interrupt(stage, signum, out, marker, *options):
    proc = _child(stage, out, *options)
    _wait_for(proc, marker)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=120)
    return {"rc": proc.returncode, "stderr": stderr.decode()}


def _second_run_while_first_holds_the_lock(out):
    first = _child("data", out)
    _wait_for(first, "STAGE data")
    second = subprocess.run([sys.executable, "-m", "d2lmini", "train", "--out", str(out)], capture_output=True,
                            text=True, timeout=240)
    first.send_signal(signal.SIGTERM)
    _, first_err = first.communicate(timeout=120)
    return {"rc": first.returncode, "stderr": first_err.decode(), "second_rc": second.returncode,
            "second_stderr": second.stderr}


SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}
SCENARIOS = {
    **{("data", s): ("data", "STAGE data") for s in SIGNALS},
    **{("training", s): ("training", "epoch   2/") for s in (*SIGNALS, "SIGHUP")},  # SIGHUP: terminal closed
    **{("writing", s): ("writing", "STAGE writing") for s in SIGNALS},
    ("training over an old run", "SIGTERM"): ("training", "epoch   2/"),
}


@pytest.fixture(scope="module")
def interrupted_runs(data_root, tmp_path_factory):
    """Every scenario run at once (4 at a time); maps scenario -> (out folder, old snapshot, result)."""
    base = tmp_path_factory.mktemp("interrupted")
    jobs = {}
    for i, ((moment, sig), (stage, marker)) in enumerate(SCENARIOS.items()):
        out = base / f"run{i}"
        old = _old_run(out) if "old run" in moment else None
        options = ["--batch-size", "1000", "--epochs", "2" if stage == "writing" else "40"]
        jobs[moment, sig] = (out, old, (stage, getattr(signal, sig), out, marker, *options))
    lock_out = base / "locked"
    with ThreadPoolExecutor(4) as pool:
        futures = {key: pool.submit(_interrupt, *args) for key, (_, _, args) in jobs.items()}
        locked = pool.submit(_second_run_while_first_holds_the_lock, lock_out)
        results = {key: (jobs[key][0], jobs[key][1], f.result()) for key, f in futures.items()}
        results["lock"] = (lock_out, None, locked.result())
    return results


def _message(stderr):
    """The lines of stderr without the progress bars (drawn with carriage returns), blank ones dropped."""
    lines = [line.rsplit("\r", 1)[-1] for line in stderr.split("\n")]
    return "".join(line + "\n" for line in lines if line.strip())


def _one_line(result, signum):
    err = _message(result["stderr"])
    assert result["rc"] == 128 + signum, result["stderr"]
    assert "Traceback" not in err and err.count("\n") == 1, result["stderr"]
    return err


@pytest.mark.parametrize("sig", SIGNALS)
def test_interrupted_while_loading_data_writes_nothing(interrupted_runs, sig):
    out, _, result = interrupted_runs["data", sig]
    err = _one_line(result, SIGNALS[sig])
    assert err == "d2lmini: interrupted while loading the data; nothing written\n"
    assert not out.exists() and _leftovers(out) == []


@pytest.mark.parametrize("sig", [*SIGNALS, "SIGHUP"])
def test_interrupted_mid_training_keeps_a_complete_consistent_folder(interrupted_runs, fashion, sig):
    out, _, result = interrupted_runs["training", sig]
    err = _one_line(result, getattr(signal, sig))
    assert err.startswith("d2lmini: interrupted in epoch ") and "of 40; partial results of " in err, err
    assert _run_files(out) == sorted(cli.RUN_FILES) and _leftovers(out) == []
    m = json.loads((out / "metrics.json").read_text())
    assert m["interrupted"] is True and m["epochs"] >= 2 and m["epochs_requested"] == 40
    assert f"partial results of {m['epochs']} epochs" in err
    assert m["test_acc"] == _accuracy_of_model_pt(out, fashion[1]) == m["history"]["eval_acc"][-1]


def test_interrupted_training_never_replaces_an_old_run(interrupted_runs):
    out, old, result = interrupted_runs["training over an old run", "SIGTERM"]
    err = _one_line(result, signal.SIGTERM)
    assert "nothing written" in err and "still holds the previous run" in err
    assert _snapshot(out) == old and _leftovers(out) == []


@pytest.mark.parametrize("sig", SIGNALS)
def test_interrupted_while_writing_leaves_nothing_half_written(interrupted_runs, sig):
    out, _, result = interrupted_runs["writing", sig]
    err = _one_line(result, SIGNALS[sig])
    assert err == f"d2lmini: interrupted while writing the results; nothing written ({out} not created)\n"
    assert not out.exists() and _leftovers(out) == []


def test_a_second_run_into_the_same_out_refuses_at_start(interrupted_runs):
    out, _, result = interrupted_runs["lock"]
    assert result["second_rc"] == 1 and _message(result["second_stderr"]).count("\n") == 1
    assert f"--out {out} is in use by another d2lmini job" in result["second_stderr"]
    _one_line(result, signal.SIGTERM)
    assert not out.exists() and _leftovers(out) == []


# ---------------------------------------------------------------------------------------------------------------
# Data: files, arguments and labels.


def test_unpacking_is_atomic(data_root, tmp_path, monkeypatch):
    import gzip
    import shutil
    source = tmp_path / "t10k-labels-idx1-ubyte.gz"
    source.write_bytes(gzip.compress((data_root / "MNIST/raw/t10k-labels-idx1-ubyte").read_bytes()))
    target = tmp_path / "raw" / "t10k-labels-idx1-ubyte"
    real_copy = shutil.copyfileobj

    def interrupted_copy(src, dst, *args):
        dst.write(src.read(1000))
        raise KeyboardInterrupt

    monkeypatch.setattr(shutil, "copyfileobj", interrupted_copy)
    with pytest.raises(KeyboardInterrupt):
        data._unpack(source, target)
    assert list(target.parent.iterdir()) == [], "an interrupted unpack left a stub"
    monkeypatch.setattr(shutil, "copyfileobj", real_copy)
    data._unpack(source, target)
    assert data.read_idx(target).shape == (10000,)


@pytest.mark.parametrize("existing_root", [False, True])
def test_failed_download_leaves_no_empty_folders(tmp_path, monkeypatch, existing_root):
    import torchvision

    def failing_download(self):
        Path(self.raw_folder).mkdir(parents=True, exist_ok=True)
        (Path(self.raw_folder) / "train-images-idx3-ubyte.gz").write_bytes(b"partial")
        raise OSError("network is unreachable")

    monkeypatch.setattr(torchvision.datasets.MNIST, "download", failing_download)
    root = tmp_path / "data"
    if existing_root:
        root.mkdir()
    with pytest.raises(data.DataError, match="download failed: network is unreachable"):
        data.load_data_mnist(64, root=root)
    assert (list(root.iterdir()) == []) if existing_root else not root.exists()


def test_missing_test_split_names_the_missing_files(data_root, tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        (raw / name).symlink_to(data_root / "MNIST" / "raw" / name)
    with pytest.raises(data.DataError, match=r"mnist data not found \(missing t10k-images-idx3-ubyte, "
                                             r"t10k-labels-idx1-ubyte\)"):
        data.load_data_mnist(64, root=tmp_path, download=False)


def test_any_integer_batch_size_is_accepted(data_root):
    train_iter, test_iter = data.load_data("mnist", np.int64(1000), root=data_root)
    assert len(next(iter(train_iter))[0]) == 1000 and type(train_iter.batch_size) is int
    loaders = data.load_data("mnist", np.int32(5000), root=data_root, in_memory=False)
    assert len(loaders[1]) == 2


@pytest.mark.parametrize("kwargs, message", [
    ({"resize": 0}, "resize must be a positive integer"),
    ({"resize": -28}, "resize must be a positive integer"),
    ({"resize": (28, 0)}, "resize must be a positive integer"),
    ({"normalize": (0, 0)}, "positive finite std"),
    ({"normalize": (0.5, math.nan)}, "positive finite std"),
    ({"normalize": (math.inf, 1)}, "finite mean"),
    ({"normalize": "yes"}, "normalize must be True, False, None or a pair"),
])
def test_bad_resize_and_normalize_are_rejected_before_loading(kwargs, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        data.load_data("mnist", 64, root=tmp_path / "nothing-here", download=False, **kwargs)


@pytest.mark.parametrize("indices, message", [([10], "got 10"), ([-1], "got -1"), ([1.5], "got 1.5"),
                                              (torch.tensor([3, 12]), "got 12"), ([True], "got True")])
def test_out_of_range_labels_are_rejected(indices, message):
    with pytest.raises(ValueError, match=f"class indices of fashion-mnist must be whole numbers from 0 to 9, "
                                         f"{message}"):
        data.get_fashion_mnist_labels(indices)
    assert data.get_labels("fashion-mnist", np.array([9, 0])) == ["ankle boot", "t-shirt"]


# ---------------------------------------------------------------------------------------------------------------
# Metrics: inputs that would give silent nonsense.

NAN_LOGITS = torch.tensor([[1.0, math.nan], [0.0, 1.0]])


@pytest.mark.parametrize("logits, y, message", [
    (torch.empty(0, 3), torch.empty(0, dtype=torch.long), "logits_val is empty"),
    (NAN_LOGITS, torch.tensor([0, 1]), "logits_val holds 1 NaN or infinite value"),
    (torch.tensor([[math.inf, 0.0], [0.0, 1.0]]), torch.tensor([0, 1]), "NaN or infinite"),
    (torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 2]), "y_val holds class index 2 but there are "
                                                                   "only 2 classes"),
    (torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0.0, 1.0]), "y_val must hold integer class indices"),
    (torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0]), "logits_val has 2 rows but y_val has 1 labels"),
])
def test_fit_temperature_rejects_bad_input(logits, y, message):
    with pytest.raises(ValueError, match=message):
        metrics.fit_temperature(logits, y)


@pytest.mark.parametrize("probs, y, message", [
    (torch.empty(0, 3), torch.empty(0, dtype=torch.long), "probs is empty"),
    (torch.tensor([[0.5, math.nan], [0.2, 0.8]]), torch.tensor([0, 1]), "NaN or infinite"),
    (torch.tensor([[0.5, 0.5], [0.2, 0.8]]), torch.tensor([0, 5]), "class index 5 but there are only 2"),
    (torch.tensor([[0.5, 0.5], [0.2, 0.8]]), torch.tensor([-1, 1]), "negative class index"),
    (torch.tensor([[0.5, 0.5], [0.2, 0.8]]), torch.tensor([0.0, 1.0]), "integer class indices"),
    (torch.tensor([[3.0, -1.0], [0.2, 0.8]]), torch.tensor([0, 1]), "probabilities in \\[0, 1\\]"),
])
def test_ece_rejects_bad_input(probs, y, message):
    with pytest.raises(ValueError, match=message):
        metrics.expected_calibration_error(probs, y)


@pytest.mark.parametrize("y, message", [(torch.tensor([0, 1, 3]), "class index 3 but there are only 3"),
                                        (torch.tensor([0, -1, 2]), "negative class index"),
                                        (torch.tensor([0.0, 1.0, 2.0]), "integer class indices")])
def test_roc_auc_rejects_out_of_range_and_float_labels(y, message):
    with pytest.raises(ValueError, match=message):
        metrics.roc_auc_ovr(torch.softmax(torch.randn(3, 3), 1), y)


def test_confusion_matrix_rejects_nan_scores_and_float_labels():
    with pytest.raises(ValueError, match="y_pred holds 1 NaN or infinite value"):
        metrics.confusion_matrix(torch.tensor([0, 1]), NAN_LOGITS)
    with pytest.raises(ValueError, match="y_true must hold integer class indices"):
        metrics.confusion_matrix(torch.tensor([0.7, 1.2]), torch.tensor([0, 1]))
    assert metrics.confusion_matrix(np.array([0, 1]), torch.tensor([[2.0, 1.0], [0.0, 1.0]])).tolist() == [[1, 0],
                                                                                                           [0, 1]]


def test_nll_rejects_nan_logits():
    with pytest.raises(ValueError, match="logits holds 1 NaN"):
        metrics.nll(NAN_LOGITS, torch.tensor([0, 1]))



def test_the_main_jobs_sgd_update_is_torch_optim_sgds_and_skips_the_dynamo_import(fashion):
    train_iter, test_iter = fashion
    small = TensorLoader(train_iter.X[:3000], train_iter.y[:3000], 256, shuffle=True, seed=0)
    nets = [d2lmini.softmax_regression(seed=0) for _ in range(2)]
    loss = torch.nn.CrossEntropyLoss(reduction="none")
    d2lmini.train_epoch(nets[0], small, loss, cli.functional_sgd(nets[0].parameters(), 0.1))
    small.generator.manual_seed(0)
    d2lmini.train_epoch(nets[1], small, loss, torch.optim.SGD(nets[1].parameters(), lr=0.1))
    for a, b in zip(nets[0].parameters(), nets[1].parameters()):
        assert torch.equal(a, b)
    code = ("import sys, torch, d2lmini.cli as cli\n"
            "net = torch.nn.Linear(3, 2)\n"
            "net(torch.ones(1, 3)).sum().backward()\n"
            "cli.functional_sgd(net.parameters(), 0.1)()\n"
            "assert 'torch._dynamo' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------------------------------------------
# API seams.


@pytest.mark.parametrize("kwargs, message", [
    ({"num_workers": 2}, "num_workers applies to the classic path only"),
    ({"in_memory": False, "device": "cpu"}, "device applies to the in-memory path only"),
])
def test_load_data_refuses_options_it_would_ignore(kwargs, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        data.load_data("mnist", 64, root=tmp_path, download=False, **kwargs)


def test_the_training_module_and_the_train_function_both_read_naturally():
    import d2lmini.training
    assert d2lmini.train is d2lmini.training.train and d2lmini.training.History is d2lmini.History
    assert "eval_acc" in d2lmini.History.__dataclass_fields__ and "test_acc" not in d2lmini.History.__dataclass_fields__
    assert "set_mode" in d2lmini.training.__all__ and metrics.set_mode is d2lmini.training.set_mode
