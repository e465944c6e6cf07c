"""make bench: d2lmini's main job against the classic per-sample pipeline, as whole processes, side by side.

Every measurement runs in a fresh child process, timed from its start to its exit (imports included):

- the default main job, `python -m d2lmini train` (Fashion-MNIST, batch 256, lr 0.1, 10 epochs, seed 0),
  writing its run folder into a temporary directory; its peak resident memory is that child's own;
- the classic job the d2l book runs: torchvision Dataset + ToTensor + a DataLoader with 4 worker processes,
  the same model, loss, optimiser, seed and shuffle order (so the same accuracy), evaluating each epoch;
- d2lmini's in-memory path (one thread, as the main job) in a script of the same shape, for the
  data-loading-plus-training figure;
- the main job again beside two CPU-bound processes, to see how it copes with a busy machine;
- `python -c "import torch"` just before and after the main job: the job's own overhead is its wall time
  minus that (the faster of the two) and minus its training (metrics.json's seconds);
- the floor: the same 10 epochs (minibatch steps and a test-accuracy pass per epoch) in a bare PyTorch loop
  over float tensors already in memory, one thread; d2lmini's training is compared with it as a ratio.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

TARGETS = {"whole": 12.0, "whole_aim": 20.0, "busy": 3.0, "rss_gb": 1.5, "acc_gap": 0.005, "train_vs_bare": 1.2,
           "overhead_s": 1.5}
EPOCHS = 10
IMPORT_TORCH = 'python -c "import torch"'


def run_script(path, epochs, workers):
    """The d2l-book-shaped job through one data path; prints a JSON line (data+training seconds, test acc)."""
    import torch

    import d2lmini
    if path == "d2lmini":
        torch.set_num_threads(1)  # as the main job does; the classic job keeps PyTorch's default
    start = time.perf_counter()
    train_iter, test_iter = d2lmini.load_data_fashion_mnist(256, seed=0, in_memory=path == "d2lmini",
                                                            num_workers=workers if path == "classic" else 0)
    net = d2lmini.softmax_regression(seed=0)
    history = d2lmini.train(net, train_iter, test_iter, torch.nn.CrossEntropyLoss(reduction="none"), epochs,
                            torch.optim.SGD(net.parameters(), lr=0.1))
    print(json.dumps({"seconds": time.perf_counter() - start, "test_acc": history.eval_acc[-1]}))


def run_bare(epochs):
    """The floor: 10 epochs of the same steps in a bare PyTorch loop; prints a JSON line (training seconds)."""
    import torch

    from d2lmini.data import load_tensors
    torch.set_num_threads(1)
    torch.manual_seed(0)
    X, y = (t.float().div_(255).flatten(1) if t.dtype == torch.uint8 else t for t in load_tensors("fashion-mnist"))
    X_test, y_test = (t.float().div_(255).flatten(1) if t.dtype == torch.uint8 else t
                      for t in load_tensors("fashion-mnist", train=False))
    net, loss = torch.nn.Linear(784, 10), torch.nn.CrossEntropyLoss()
    updater = torch.optim.SGD(net.parameters(), lr=0.1)
    start = time.perf_counter()
    for _ in range(epochs):
        for idx in torch.randperm(len(X)).split(256):
            updater.zero_grad()
            loss(net(X[idx]), y[idx]).backward()
            updater.step()
        with torch.no_grad():
            test_acc = sum(int((net(xb).argmax(1) == yb).sum()) for xb, yb in zip(X_test.split(256), y_test.split(256)))
    print(json.dumps({"seconds": time.perf_counter() - start, "test_acc": test_acc / len(X_test)}))


def timed(cmd, env=None):
    """Run a command to its end; returns (wall seconds, peak RSS of that process in GB, stdout)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"bench: {' '.join(cmd[:4])} ... failed ({proc.returncode}):\n{err.read()[-3000:]}")
        return wall, usage.ru_maxrss / 2**20, out.read()


def main_job(tmp, name, epochs):
    """`python -m d2lmini train` with default settings as a whole process; returns (wall, rss, metrics)."""
    out = os.path.join(tmp, name)
    wall, rss, _ = timed([sys.executable, "-m", "d2lmini", "train", "--epochs", str(epochs), "--out", out])
    with open(os.path.join(out, "metrics.json")) as f:
        return wall, rss, json.load(f)


def script(path, epochs, workers):
    wall, rss, stdout = timed([sys.executable, __file__, "--child", path, "--epochs", str(epochs),
                               "--workers", str(workers)])
    return wall, rss, json.loads(stdout.strip().splitlines()[-1])


def beside_burners(fn, n=2):
    """Call fn while n CPU-bound processes run beside it."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        time.sleep(0.5)
        return fn()
    finally:
        for p in burners:
            p.kill()
            p.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--workers", type=int, default=4, help="DataLoader workers of the classic path")
    parser.add_argument("--child", choices=["classic", "d2lmini", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "bare":
        return run_bare(args.epochs)
    if args.child:
        return run_script(args.child, args.epochs, args.workers)
    if os.environ.get("MPLBACKEND", "").lower() not in ("", "agg"):
        os.environ["MPLBACKEND"] = "Agg"
    with tempfile.TemporaryDirectory() as tmp:
        print(f"Fashion-MNIST softmax regression, batch 256, lr 0.1, {args.epochs} epochs, seed 0; "
              f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        torch_before = timed([sys.executable, "-c", "import torch"])[0]
        job_wall, job_rss, job = main_job(tmp, "quiet", args.epochs)
        torch_wall = min(torch_before, timed([sys.executable, "-c", "import torch"])[0])
        _, _, bare = script("bare", args.epochs, args.workers)
        fast_wall, _, fast = script("d2lmini", args.epochs, args.workers)
        classic_wall, _, classic = script("classic", args.epochs, args.workers)
        busy_wall, _, busy = beside_burners(lambda: main_job(tmp, "busy", args.epochs))
    whole = classic_wall / job_wall
    data_train = classic["seconds"] / fast["seconds"]
    slowdown = busy["seconds"] / job["seconds"]
    gap = abs(classic["test_acc"] - fast["test_acc"])
    overhead = job_wall - torch_wall - job["seconds"]
    train_vs_bare = job["seconds"] / bare["seconds"]
    rows = [
        ("python -m d2lmini train (whole process)", job_wall, job["test_acc"],
         f"training {job['seconds']:.2f} s, peak RSS {job_rss:.2f} GB"),
        ("  same, beside 2 CPU-bound processes", busy_wall, busy["test_acc"], f"training {busy['seconds']:.1f} s"),
        (f"classic DataLoader, {args.workers} workers (whole process)", classic_wall, classic["test_acc"],
         f"data+training {classic['seconds']:.1f} s"),
        ("d2lmini in-memory script (whole process)", fast_wall, fast["test_acc"],
         f"data+training {fast['seconds']:.1f} s"),
    ]
    for name, wall, acc, note in rows:
        print(f"  {name:<48} {wall:7.1f} s   test acc {acc:.4f}   ({note})")
    t = TARGETS
    checks = [
        (f"whole-process speed-up {whole:.1f}x (aim {t['whole_aim']:.0f}x)", whole >= t["whole"],
         f">= {t['whole']:.0f}x"),
        (f"busy-machine slowdown {slowdown:.2f}x", slowdown < t["busy"], f"< {t['busy']:.0f}x"),
        (f"peak memory {job_rss:.2f} GB", job_rss < t["rss_gb"], f"< {t['rss_gb']} GB"),
        (f"accuracy gap {gap * 100:.2f} points", gap <= t["acc_gap"], f"<= {t['acc_gap'] * 100:.1f}"),
        (f"{args.epochs} epochs of training (one thread) {job['seconds']:.2f} s = {train_vs_bare:.2f}x a bare PyTorch "
         f"loop's {bare['seconds']:.2f} s", train_vs_bare <= t["train_vs_bare"], f"<= {t['train_vs_bare']}x"),
        (f"make train's process {overhead:.2f} s beyond {IMPORT_TORCH} and its training",
         overhead < t["overhead_s"], f"< {t['overhead_s']} s"),
    ]
    print(f"  {IMPORT_TORCH + ' (whole process)':<48} {torch_wall:7.1f} s")
    print(f"  info  data loading + training alone: {data_train:.1f}x faster in memory (no target)")
    for text, ok, target in checks:
        print(f"  {'PASS' if ok else 'MISS'}  {text} (target {target})")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
