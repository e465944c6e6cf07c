"""Packaging: environment.yml mirrors pyproject, the Makefile and CI are wired as the README says."""
import re
import tomllib
from pathlib import Path

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
