"""Packaging: environment.yml mirrors pyproject, the Makefile and CI are wired as the README says."""
import importlib.metadata
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import d2lmini

ROOT = Path(__file__).resolve().parents[1]


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_lists_the_same_requirements_as_pyproject():
    project = _pyproject()["project"]
    wanted = set(project["dependencies"]) | {r for extra in ("notebooks", "test")
                                             for r in project["optional-dependencies"][extra]}
    pip_lines = re.findall(r"^\s+- ([A-Za-z].*)$", (ROOT / "environment.yml").read_text().split("- pip:")[1], re.M)
    assert set(pip_lines) == wanted


def test_dependencies_have_lower_bounds_only():
    project = _pyproject()["project"]
    requirements = project["dependencies"] + [r for rs in project["optional-dependencies"].values() for r in rs]
    assert all(">=" in r and "==" not in r and "<" not in r for r in requirements)
    assert project["scripts"]["d2lmini"] == "d2lmini.cli:main"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
    targets = re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(), re.M)
    assert {"setup", "train", "test", "lab", "bench", "html"} <= set(targets)


def test_public_names_exist():
    for name in d2lmini.__all__:
        assert hasattr(d2lmini, name), name


def test_license_is_an_spdx_expression_with_a_license_file():
    project = _pyproject()["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_the_version_is_written_in_one_place():
    pyproject = _pyproject()
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "d2lmini.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", d2lmini.__version__)
    assert importlib.metadata.version("d2lmini") == d2lmini.__version__


def test_ruff_is_configured_and_make_test_lints_first():
    ruff = _pyproject()["tool"]["ruff"]
    assert ruff["line-length"] == 120
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: lint unit nbval\b", makefile, re.M)
    assert re.search(r"^lint: .*\n\t.*ruff check .*d2lmini tests benchmarks", makefile, re.M)
    assert "PYTHONDONTWRITEBYTECODE" not in makefile and "--no-compile" not in makefile


def test_make_nbval_passes_when_the_caller_exports_mplbackend_agg():
    """Headless servers and CI export MPLBACKEND=Agg; the kernel must still draw inline figures."""
    if shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("needs make and the project's .venv")
    notebook = "tests/fixtures/mplbackend/figure.ipynb"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "nbval", f"NB={notebook}"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
