"""Issue 17, the main job: nothing a user owns is ever deleted, and an interrupted swap is reported truthfully.

Each test is one reproduction of the issue, written against the command (cli.main or python -m d2lmini) only,
so that it also runs against the code before the fix, where each one fails.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from d2lmini import cli
from d2lmini.data import TensorLoader


@pytest.fixture
def small_data(fashion, monkeypatch):
    """cli.data.load_data replaced by a 2000/1000-example subset of Fashion-MNIST (fast)."""
    train_iter, test_iter = fashion
    monkeypatch.setattr(cli.data, "load_data", lambda *a, **k: (
        TensorLoader(train_iter.X[:2000], train_iter.y[:2000], 256, shuffle=True, seed=0),
        TensorLoader(test_iter.X[:1000], test_iter.y[:1000], 256)))


def _on_write(monkeypatch, name, action):
    """Run action() once, right after the run file `name` is written into the working folder."""
    real_write = cli._write_bytes

    def write(path, content):
        real_write(path, content)
        if path.name == name:
            action()
    monkeypatch.setattr(cli, "_write_bytes", write)


def test_a_file_that_appears_in_out_during_the_run_is_never_deleted(small_data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "u1"
    assert cli.main(["train", "--epochs", "1", "--out", str(out)]) == 0
    _on_write(monkeypatch, "curves.png", lambda: (out / "notes.txt").write_text("notes"))
    rc = cli.main(["train", "--epochs", "1", "--out", str(out)])
    assert (out / "notes.txt").read_text() == "notes", "the user's file was deleted by the swap"
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1 and f"--out {out} changed while the job ran" in err, err
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("u1.kept-")]
    assert len(kept) == 1 and (kept[0] / "metrics.json").is_file() and f"kept in {kept[0]}/" in err


def test_a_run_into_a_folder_inside_a_running_output_is_refused(small_data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "u1"
    assert cli.main(["train", "--epochs", "1", "--out", str(out)]) == 0
    inner = []
    _on_write(monkeypatch, "curves.png",
              lambda: inner.append(cli.main(["train", "--epochs", "1", "--out", str(out / "sub")])))
    assert cli.main(["train", "--epochs", "1", "--out", str(out)]) in (0, 1)
    err = capsys.readouterr().err
    if inner == [0]:
        assert (out / "sub" / "metrics.json").is_file(), "the inner run said 'done' and its results vanished"
    assert inner == [1] and f"--out {out / 'sub'} is inside" in err, err


def _victim(tmp_path):
    (tmp_path / "victim" / "run").mkdir(parents=True)
    (tmp_path / "victim" / "run" / "keep.txt").write_text("keep")
    (tmp_path / "victim" / "important.txt").write_text("important")


def _victim_intact(tmp_path):
    return ((tmp_path / "victim" / "run" / "keep.txt").read_text() == "keep"
            and (tmp_path / "victim" / "important.txt").read_text() == "important")


@pytest.mark.parametrize("leftover", [".lk4.old-zzzz", ".lk4.tmp-zzzz"])
def test_a_planted_leftover_link_is_never_followed(small_data, tmp_path, leftover):
    _victim(tmp_path)
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / leftover).symlink_to(tmp_path / "victim")
    assert cli.main(["train", "--epochs", "1", "--out", str(runs / "lk4")]) == 0
    assert _victim_intact(tmp_path), "a leftover link was followed and the folder it points to emptied"
    assert (runs / leftover).is_symlink(), "a link that is not ours was removed"


def test_the_lock_file_is_never_opened_through_a_link(small_data, tmp_path, capsys):
    _victim(tmp_path)
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / ".lk.lock").symlink_to(tmp_path / "victim" / "important.txt")
    rc = cli.main(["train", "--epochs", "1", "--out", str(runs / "lk")])
    assert _victim_intact(tmp_path), "the lock was written through a link"
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1 and f"--out {runs / 'lk'} " in err and ".lk.lock" not in err, err


def test_a_lock_file_name_too_long_or_in_proc_is_reported_as_out(small_data, tmp_path, capsys):
    long = tmp_path / ("b" * 245)
    assert cli.main(["train", "--epochs", "1", "--out", str(long)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"d2lmini: error: --out {long} ") and ".lock" not in err and err.count("\n") == 1, err
    if sys.platform.startswith("linux"):
        assert cli.main(["train", "--epochs", "1", "--out", "/proc/d2l"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("d2lmini: error: --out /proc/d2l ") and ".lock" not in err, err


def test_an_empty_mount_point_is_refused_before_training(small_data, tmp_path, monkeypatch, capsys):
    out = tmp_path / "full"
    out.mkdir()
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: os.fspath(p) == str(out) or real_ismount(p))
    trained = []
    monkeypatch.setattr(cli, "train", lambda *a, **k: trained.append(1) or pytest.fail("trained"))
    assert cli.main(["train", "--epochs", "1", "--out", str(out)]) == 1
    assert "is a mount point" in capsys.readouterr().err and trained == []
    assert [p.name for p in tmp_path.iterdir()] == ["full"]


def test_threads_beyond_the_cpu_count_are_one_line():
    with pytest.raises(SystemExit) as stop:
        cli.build_parser().parse_args(["train", "--threads", "100000"])
    assert stop.value.code == 2


# ---------------------------------------------------------------------------------------------------------------
# Signals at the swap, in child processes: the message must say what the disk shows.

_SWAP_CHILD = textwrap.dedent("""
    import os, shutil, signal, sys, threading, time
    import d2lmini.cli as cli
    from d2lmini.data import TensorLoader
    real_load = cli.data.load_data
    def load(*a, **k):
        train_iter, test_iter = real_load(*a, **k)
        return (TensorLoader(train_iter.X[:2000], train_iter.y[:2000], 256, shuffle=True, seed=0),
                TensorLoader(test_iter.X[:1000], test_iter.y[:1000], 256))
    cli.data.load_data = load
    point, signum, out = sys.argv[1], getattr(signal, sys.argv[2]), os.path.abspath(sys.argv[3])
    state = {"written": False, "fired": False}
    real_write = cli._write_bytes
    def write(path, content):
        real_write(path, content)
        state["written"] = state["written"] or path.name == "metrics.json"
    cli._write_bytes = write
    helper = threading.Thread(target=time.sleep, args=(600,), daemon=True)
    helper.start()
    def fire():
        if state["written"] and not state["fired"]:
            state["fired"] = True
            if point.endswith("-thread"):  # received by another thread (as tqdm's monitor may)
                signal.pthread_kill(helper.ident, signum)
            else:
                os.kill(os.getpid(), signum)
            time.sleep(0.2)
    real_rmtree, real_fsync = shutil.rmtree, os.fsync
    def rmtree(path, *a, **k):
        if point.startswith("rmtree"):
            fire()
        return real_rmtree(path, *a, **k)
    def fsync(fd):
        if point.startswith("fsync") and os.path.samestat(os.fstat(fd), os.stat(os.path.dirname(out))):
            fire()
        return real_fsync(fd)
    shutil.rmtree, os.fsync = rmtree, fsync
    sys.exit(cli.main(["train", "--epochs", "1", "--out", out]))
""")

SWAPS = {  # name: (injection point, signal, an earlier run in --out)
    "SIGINT at the removal of the old folder": ("rmtree", "SIGINT", True),
    "SIGTERM at the final directory fsync": ("fsync", "SIGTERM", True),
    "SIGHUP at the final directory fsync": ("fsync", "SIGHUP", True),
    "SIGINT to another thread at the fsync": ("fsync-thread", "SIGINT", True),
    "SIGTERM at the fsync of a new --out": ("fsync", "SIGTERM", False),
}


def _default_signals():
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


def _swap_child(point, signame, out, earlier):
    if earlier:
        out.mkdir(parents=True)
        (out / "metrics.json").write_text('{"old": true}\n')
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([sys.executable, "-c", _SWAP_CHILD, point, signame, str(out)], env=env,
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=_default_signals)
    return proc.returncode, proc.stderr


@pytest.fixture(scope="module")
def swaps(data_root, tmp_path_factory):
    base = tmp_path_factory.mktemp("swaps")
    with ThreadPoolExecutor(3) as pool:
        futures = {name: (base / f"s{i}", pool.submit(_swap_child, point, sig, base / f"s{i}", earlier))
                   for i, (name, (point, sig, earlier)) in enumerate(SWAPS.items())}
        return {name: (out, *f.result()) for name, (out, f) in futures.items()}


def _last_line(stderr):
    lines = [line.rsplit("\r", 1)[-1] for line in stderr.split("\n")]
    lines = [line for line in lines if line.strip()]
    return lines


@pytest.mark.parametrize("name", SWAPS)
def test_a_signal_at_the_swap_is_reported_from_what_is_on_disk(swaps, name):
    out, rc, stderr = swaps[name]
    signum = getattr(signal, SWAPS[name][1])
    metrics = json.loads((out / "metrics.json").read_text())
    assert "old" not in metrics and metrics["epochs"] == 1, "the swap was cut short"
    lines = [line for line in _last_line(stderr) if not line.startswith("epoch ")]
    assert "Traceback" not in stderr and len(lines) == 1, stderr
    assert rc == 128 + signum, stderr
    assert "nothing written" not in lines[0] and "left as it was" not in lines[0], lines[0]
    assert lines[0] == f"d2lmini: interrupted as the results were saved; they are complete in {out}/", lines[0]
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")) == []


def test_ctrl_c_while_torch_is_imported_is_one_line(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "d2lmini", "train", "--out", str(tmp_path / "r")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(0.4)  # torch takes more than a second to import
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and err == "d2lmini: interrupted while starting; nothing written\n", err
    assert list(tmp_path.iterdir()) == []
