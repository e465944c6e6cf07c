"""make bench: the classic per-sample DataLoader path against d2lmini's in-memory path, side by side.

Both runs train the same softmax regression (Fashion-MNIST, batch 256, lr 0.1, 10 epochs, seed 0, the
same shuffle order) in fresh child processes, so their times and the peak resident memory of each are
measured alone. The clock runs from loading the data to the end of training.
"""
import argparse
import json
import resource
import subprocess
import sys
import time

TARGET_SPEEDUP, TARGET_ACC_GAP, TARGET_RSS_GB = 30.0, 0.005, 1.5


def run_one(path, epochs, workers):
    """Train once through one data path and print a JSON line with the time and test accuracy."""
    import torch
    from tqdm.auto import tqdm

    import d2lmini
    net = d2lmini.softmax_regression(seed=0)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)  # built first: its one-off imports are not data work
    start = time.perf_counter()
    train_iter, test_iter = d2lmini.load_data_fashion_mnist(256, seed=0, in_memory=path == "d2lmini",
                                                            num_workers=workers if path == "classic" else 0)
    bar = tqdm(total=epochs, desc=f"{path:>8}", unit="epoch", file=sys.stderr)

    def advance(epoch, history):  # returns None: a True here would stop training early
        bar.update()
    history = d2lmini.train(net, train_iter, test_iter, torch.nn.CrossEntropyLoss(reduction="none"), epochs,
                            optimizer, callback=advance)
    bar.close()
    print(json.dumps({"seconds": time.perf_counter() - start, "test_acc": history.eval_acc[-1]}))


def measure(path, epochs, workers):
    """Run one path in a child process; returns its result and the child's peak RSS in GB."""
    out = subprocess.run([sys.executable, __file__, "--child", path, "--epochs", str(epochs),
                          "--workers", str(workers)], check=True, stdout=subprocess.PIPE, text=True)
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return json.loads(out.stdout.strip().splitlines()[-1]), peak_gb


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="DataLoader workers of the classic path")
    parser.add_argument("--child", choices=["classic", "d2lmini"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_one(args.child, args.epochs, args.workers)
    fast, peak_gb = measure("d2lmini", args.epochs, args.workers)  # first, so RUSAGE_CHILDREN is its own peak
    classic, _ = measure("classic", args.epochs, args.workers)
    speedup = classic["seconds"] / fast["seconds"]
    gap = abs(classic["test_acc"] - fast["test_acc"])
    print(f"\nFashion-MNIST softmax regression, batch 256, lr 0.1, {args.epochs} epochs, seed 0")
    print(f"  classic torchvision DataLoader ({args.workers} workers): {classic['seconds']:7.1f} s   "
          f"test acc {classic['test_acc']:.4f}")
    print(f"  d2lmini in-memory path:                     {fast['seconds']:7.1f} s   test acc {fast['test_acc']:.4f}"
          f"   peak RSS {peak_gb:.2f} GB")
    checks = [(f"speed-up {speedup:.1f}x", speedup >= TARGET_SPEEDUP, f">= {TARGET_SPEEDUP:.0f}x"),
              (f"accuracy gap {gap * 100:.2f} points", gap <= TARGET_ACC_GAP, f"<= {TARGET_ACC_GAP * 100:.1f}"),
              (f"peak memory {peak_gb:.2f} GB", peak_gb < TARGET_RSS_GB, f"< {TARGET_RSS_GB} GB")]
    for text, ok, target in checks:
        print(f"  {'PASS' if ok else 'MISS'}  {text} (target {target})")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
