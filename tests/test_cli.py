"""The main job: argument checking, the default run end to end, and the run folder it writes."""
import json
import os
import subprocess
import sys

import pytest
import torch

import d2lmini
from d2lmini import cli


@pytest.mark.parametrize("argv, message", [
    (["--dataset", "cifar10"], "argument --dataset: invalid choice: 'cifar10'"),
    (["--epochs", "0"], "argument --epochs: must be at least 1, got 0"),
    (["--batch-size", "-5"], "argument --batch-size: must be at least 1, got -5"),
    (["--batch-size", "abc"], "argument --batch-size: expected a whole number, got 'abc'"),
    (["--lr", "0"], "argument --lr: must be a positive finite number, got 0"),
    (["--lr", "nan"], "argument --lr: must be a positive finite number, got nan"),
    (["--lr", "-0.1"], "argument --lr: must be a positive finite number"),
    (["--device", "banana"], "argument --device: unknown device 'banana'"),
    (["--lr", "1e300"], "argument --lr: 1e300 is not representable in float32"),
    (["--lr", "1e-50"], "argument --lr: 1e-50 is not representable in float32"),
    (["--lr", "inf"], "argument --lr: must be a positive finite number"),
    (["--device", "meta"], "argument --device: device 'meta' cannot train here"),
    (["--device", "xla"], "argument --device: device 'xla' cannot train here"),
    (["--device", "cpu:5"], "argument --device: 'cpu:5': there is one CPU device"),
    (["--seed", str(2**64)], "argument --seed: must be between 0 and 2**64 - 1"),
    (["--seed", "-1"], "argument --seed: must be between 0 and 2**64 - 1"),
    (["--seed", "1.5"], "argument --seed: expected a whole number"),
    (["--root", ""], "argument --root: is empty"),
    (["--out", ""], "argument --out: is empty"),
    (["--threads", "0"], "argument --threads: must be at least 1"),
])
def test_bad_arguments_exit_2_with_one_line_naming_the_option(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", *argv])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_missing_data_exits_1_with_the_advice(tmp_path, capsys, monkeypatch):
    import torchvision
    monkeypatch.setattr(torchvision.datasets.MNIST, "download", lambda self: (_ for _ in ()).throw(OSError("offline")))
    assert cli.main(["train", "--dataset", "mnist", "--root", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("d2lmini: error: mnist data not found") and err.count("\n") == 1


def test_default_run_writes_the_run_folder(data_root, fashion, tmp_path):
    """The default settings for 2 epochs (the full 10-epoch run is timed by make bench)."""
    out = tmp_path / "run"
    env = {**os.environ, "D2LMINI_DATA": str(data_root)}
    env.pop("MPLBACKEND", None)
    result = subprocess.run([sys.executable, "-m", "d2lmini", "train", "--device", "cpu", "--epochs", "2",
                             "--out", str(out)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("epoch   1/2  loss") and "done: 2 epochs" in result.stdout
    assert "epoch 1/2" in result.stderr, "the progress bar goes to stderr"
    metrics = json.loads((out / "metrics.json").read_text())
    assert {"dataset", "impl", "epochs", "train_loss", "train_acc", "test_acc", "seconds", "history"} <= set(metrics)
    assert (metrics["dataset"], metrics["impl"], metrics["epochs"], metrics["interrupted"]) == (
        "fashion-mnist", "concise", 2, False)
    assert metrics["test_acc"] >= 0.79 and len(metrics["history"]["eval_acc"]) == 2
    assert metrics["test_acc"] == metrics["history"]["eval_acc"][-1]
    for name in ("curves.png", "predictions.png"):
        assert (out / name).read_bytes()[:4] == b"\x89PNG"
    state = torch.load(out / "model.pt")
    assert state["1.weight"].shape == (10, 784)
    net = d2lmini.softmax_regression()
    net.load_state_dict(state)
    assert d2lmini.evaluate_accuracy(net, fashion[1]) == metrics["test_acc"]


def test_scratch_run_on_mnist_is_seeded(data_root, tmp_path, monkeypatch):
    monkeypatch.setenv("D2LMINI_DATA", str(data_root))
    runs = []
    for name in ("a", "b"):
        args = cli.build_parser().parse_args(["train", "--dataset", "mnist", "--impl", "scratch", "--epochs", "1",
                                              "--seed", "3", "--out", str(tmp_path / name)])
        runs.append(cli.run_training(args)[0])
    assert runs[0]["history"]["train_loss"] == runs[1]["history"]["train_loss"]
    assert runs[0]["test_acc"] >= 0.88
    assert set(torch.load(tmp_path / "a" / "model.pt")) == {"W", "b"}
