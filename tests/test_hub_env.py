"""The course hub's kernel environment is the same everywhere: make hub, the image, Kubernetes, class-load."""
import importlib.util
import re
from pathlib import Path

import yaml

from classroom.hub.kernel_env import KERNEL_ENV

HUB = Path(__file__).resolve().parents[1] / "classroom" / "hub"


def test_the_image_sets_every_kernel_variable():
    text = (HUB / "Dockerfile").read_text()
    env = dict(re.findall(r"^\s*(?:ENV\s+)?([A-Z_]+)=(\S+?)\s*\\?$", text, flags=re.MULTILINE))
    assert {key: env.get(key) for key in KERNEL_ENV} == KERNEL_ENV


def test_the_kubernetes_values_set_every_kernel_variable():
    values = yaml.safe_load((HUB / "z2jh-values.yaml").read_text())
    extra = {key: str(value) for key, value in values["singleuser"]["extraEnv"].items()}
    assert {key: extra.get(key) for key in KERNEL_ENV} == KERNEL_ENV


def test_class_load_measures_with_the_hub_environment(monkeypatch):
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "1")  # a caller's own setting does not change what is measured
    monkeypatch.setenv("MPLBACKEND", "Agg")
    spec = importlib.util.spec_from_file_location("class_load", HUB.parents[1] / "benchmarks" / "class_load.py")
    class_load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(class_load)
    env = class_load.student_env()
    assert {key: env[key] for key in KERNEL_ENV} == KERNEL_ENV and "MPLBACKEND" not in env


def test_the_allocator_settings_are_sizes_glibc_reads():
    mmap, trim = int(KERNEL_ENV["MALLOC_MMAP_THRESHOLD_"]), int(KERNEL_ENV["MALLOC_TRIM_THRESHOLD_"])
    assert 0 < mmap <= 32 * 2**20 and trim >= mmap  # glibc ignores an mmap threshold above 32 MiB on 64-bit
