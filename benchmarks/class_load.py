"""make class-load: a lab session on this machine: N kernels at once, each running one lesson top to bottom.

For every lesson (notebooks/NN_*.ipynb) it runs the notebook twice:

- alone: one kernel; its completion time, its peak anonymous memory (the process's own pages) and its
  peak PSS (own pages plus its share of the shared library pages), and the cells that add the most
  anonymous memory (where to look when a lesson is too big);
- as a class: N kernels started together (N students pressing Run All at once); each student's
  completion time, and the memory the class takes at its peak: the kernels' PSS summed at the same
  instant, and the machine's used memory (MemTotal - MemAvailable) before and during.

"Memory per additional student" is (peak summed PSS of N kernels - peak PSS of one alone) / (N - 1):
what one more student adds to a server already running one. PyTorch's libraries are shared by every
kernel, so this is far below one kernel's resident size.

    python benchmarks/class_load.py                    # every lesson, N = 6, table to build/class-load.md
    python benchmarks/class_load.py --students 8 --lessons 03 07
    python benchmarks/class_load.py --alone            # one kernel per lesson, with the biggest cells

Each kernel has the course hub's environment (classroom/hub/kernel_env.py: one thread, glibc's allocator
settings) and D2LMINI_DATA set; kernels talk over the ipc transport (no TCP ports: kernels started at the
same moment cannot pick the same port).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from classroom.hub.kernel_env import KERNEL_ENV  # noqa: E402 (the repository is on the path only from here)

GB = 2**30
SAMPLE_S = 0.25
TARGET_GB = 0.6  # issue 15: memory per additional student


def rollup(pid: int) -> dict[str, int]:
    """Anonymous, Pss and Rss of a process in bytes (from /proc/PID/smaps_rollup); {} once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss", "Anonymous", "Pss_File"):
            out[key] = int(rest.split()[0]) * 1024
    return out


def used_memory() -> int:
    """The machine's used memory in bytes: MemTotal - MemAvailable."""
    info = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, _, rest = line.partition(":")
        info[key] = int(rest.split()[0]) * 1024
    return info["MemTotal"] - info["MemAvailable"]


# ------------------------------------------------------------------ one student (a child process)


def run_student(notebook: Path, report: Path, timeout: int) -> None:
    """Execute `notebook` in a fresh kernel; write timing, peak memory and per-cell memory to `report`."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(report.parent / "k"))  # sockets by the report
    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": "."}}, allow_errors=True)
    state = {"pid": None, "peak_anon": 0, "peak_pss": 0, "peak_rss": 0, "cell_peak": 0, "stop": False}
    cells, errors = [], []

    def sample():
        while not state["stop"]:
            if state["pid"]:
                r = rollup(state["pid"])
                if r:
                    state["peak_anon"] = max(state["peak_anon"], r["Anonymous"])
                    state["peak_pss"] = max(state["peak_pss"], r["Pss"])
                    state["peak_rss"] = max(state["peak_rss"], r["Rss"])
                    state["cell_peak"] = max(state["cell_peak"], r["Anonymous"])
            time.sleep(SAMPLE_S)

    def on_start(**kw):
        state["pid"] = km.provisioner.process.pid
        report.with_suffix(".pid").write_text(str(state["pid"]))

    def on_done(cell, cell_index, execute_reply=None, **kw):
        r = rollup(state["pid"]) if state["pid"] else {}
        if execute_reply and execute_reply.get("content", {}).get("status") == "error":
            errors.append(cell_index)
        if cell.cell_type == "code":
            cells.append({"index": cell_index, "id": cell.get("id", ""), "anon_after": r.get("Anonymous", 0),
                          "anon_peak": max(state["cell_peak"], r.get("Anonymous", 0)),
                          "source": cell.source[:80]})
        state["cell_peak"] = r.get("Anonymous", 0)

    client.on_notebook_start = on_start
    client.on_cell_executed = on_done
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except Exception as err:  # a lesson that cannot run is reported, not hidden
        error = f"{type(err).__name__}: {str(err)[-500:]}"
    if errors and not error:  # the run went on past a failing cell (a lesson being edited): say which
        error = f"cells {errors} raised an error"
    seconds = time.perf_counter() - start
    state["stop"] = True
    thread.join()
    report.write_text(json.dumps({"seconds": seconds, "peak_anon": state["peak_anon"], "peak_pss": state["peak_pss"],
                                  "peak_rss": state["peak_rss"], "cells": cells, "error": error}))


# ------------------------------------------------------------------ the class (the parent)


def student_env() -> dict[str, str]:
    """A student's environment as on the course hub (classroom/hub/kernel_env.py), plus the caller's data folder."""
    env = dict(os.environ, **KERNEL_ENV, PYTHONDONTWRITEBYTECODE="1")
    env.pop("MPLBACKEND", None)
    return env


def start_students(notebook: Path, n: int, work: Path, timeout: int) -> list[tuple[subprocess.Popen, Path]]:
    env = student_env()
    students = []
    for k in range(n):
        folder = work / f"student{k}"
        folder.mkdir()
        shutil.copy(notebook, folder / notebook.name)
        report = folder / "report.json"
        cmd = [sys.executable, __file__, "_student", str(folder / notebook.name), str(report), str(timeout)]
        students.append((subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                                          stderr=open(folder / "stderr.txt", "w")), report))
    return students


def run_class(notebook: Path, n: int, timeout: int) -> dict:
    """n kernels at once on `notebook`; per-student reports plus the class's peak summed PSS and used memory."""
    with tempfile.TemporaryDirectory(prefix="class-load-") as tmp:
        used_before = used_memory()
        students = start_students(notebook, n, Path(tmp), timeout)
        peak_sum_pss, peak_used = 0, used_before
        while any(p.poll() is None for p, _ in students):
            pids = [int(r.with_suffix(".pid").read_text()) for _, r in students if r.with_suffix(".pid").exists()]
            total = sum(rollup(pid).get("Pss", 0) for pid in pids)
            peak_sum_pss = max(peak_sum_pss, total)
            peak_used = max(peak_used, used_memory())
            time.sleep(SAMPLE_S)
        reports = []
        for proc, report in students:
            if not report.exists():
                err = (report.parent / "stderr.txt").read_text()[-2000:]
                sys.exit(f"class-load: a student's run of {notebook.name} died ({proc.returncode}):\n{err}")
            reports.append(json.loads(report.read_text()))
    return {"students": reports, "peak_sum_pss": peak_sum_pss, "used_delta": peak_used - used_before}


def biggest_cells(cells: list[dict], k: int = 3) -> list[str]:
    """The k code cells that raise the kernel's anonymous memory most (peak during the cell minus before it)."""
    before, rises = 0, []
    for cell in cells:
        rises.append((cell["anon_peak"] - before, cell))
        before = cell["anon_after"]
    rises.sort(key=lambda t: -t[0])
    return [f"cell {c['index']} (+{rise / GB:.2f} GB peak, {c['anon_after'] / GB:.2f} GB after): "
            f"{c['source'].splitlines()[0] if c['source'] else ''}" for rise, c in rises[:k] if rise > 50 * 2**20]


def lessons(selected: list[str]) -> list[Path]:
    found = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if selected:
        found = [nb for nb in found if nb.name[:2] in selected or nb.stem in selected]
        if not found:
            sys.exit(f"class-load: no lesson matches {selected} in notebooks/")
    return found


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_student":
        return run_student(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6, help="kernels at once (default 6)")
    parser.add_argument("--lessons", nargs="*", default=[], help="lesson numbers or names (default: all)")
    parser.add_argument("--alone", action="store_true", help="only one kernel per lesson, with its biggest cells")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell (default 1800)")
    parser.add_argument("--out", default=str(ROOT / "build" / "class-load.md"), help="the table (Markdown)")
    args = parser.parse_args()
    if args.students < 2:
        parser.error("--students must be at least 2 (one more than the kernel alone)")
    n = args.students
    head = ["| lesson | alone: time | alone: peak own (anon) | alone: peak PSS |"]
    if not args.alone:
        head[0] += (f" {n} at once: time per student (median / slowest) | {n} at once: peak Σ PSS |"
                    f" per additional student | machine used Δ / student |")
    head.append("|" + "---|" * (head[0].count("|") - 1))
    rows, notes = [], []
    for nb in lessons(args.lessons):
        print(f"class-load: {nb.stem}: one kernel alone ...", flush=True)
        alone = run_class(nb, 1, args.timeout)
        one = alone["students"][0]
        broken = f" ({one['error']})" if one["error"] else ""
        if broken:
            print(f"  {nb.name} did not run cleanly{broken}; measured anyway", flush=True)
        row = (f"| {nb.stem}{broken} | {one['seconds']:.0f} s | {one['peak_anon'] / GB:.2f} GB |"
               f" {one['peak_pss'] / GB:.2f} GB |")
        print(f"  {one['seconds']:.0f} s, peak anonymous {one['peak_anon'] / GB:.2f} GB, "
              f"peak PSS {one['peak_pss'] / GB:.2f} GB", flush=True)
        notes.append(f"- {nb.stem}: " + ("; ".join(biggest_cells(one["cells"])) or "no cell adds over 50 MB"))
        if not args.alone:
            print(f"class-load: {nb.stem}: {n} kernels at once ...", flush=True)
            crowd = run_class(nb, n, args.timeout)
            failed = [s["error"] for s in crowd["students"] if s["error"]]
            if failed and not broken:
                print(f"  {len(failed)} of {n} runs failed: {failed[0]}", flush=True)
            times = sorted(s["seconds"] for s in crowd["students"])
            extra = (crowd["peak_sum_pss"] - one["peak_pss"]) / (n - 1)
            flag = "" if extra < TARGET_GB * GB else " (over 0.6 GB)"
            row += (f" {times[len(times) // 2]:.0f} / {times[-1]:.0f} s | {crowd['peak_sum_pss'] / GB:.2f} GB |"
                    f" {extra / GB:.2f} GB{flag} | {crowd['used_delta'] / n / GB:.2f} GB |")
            print(f"  per student {times[len(times) // 2]:.0f} s (slowest {times[-1]:.0f} s), peak sum of PSS "
                  f"{crowd['peak_sum_pss'] / GB:.2f} GB, per additional student {extra / GB:.2f} GB", flush=True)
        rows.append(row)
    cores = os.cpu_count()
    text = "\n".join([f"Class load on this machine ({cores} cores, {used_memory() / GB:.1f} GB used at the end, "
                      f"{time.strftime('%Y-%m-%d %H:%M')}), one thread per kernel:", "", *head, *rows, "",
                      "Cells that add the most anonymous memory (kernel alone):", "", *notes, ""])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print("\n" + text)
    print(f"class-load: table written to {args.out}")


if __name__ == "__main__":
    main()
