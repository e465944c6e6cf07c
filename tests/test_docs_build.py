"""docs/build.py (make html): a broken notebook, a damaged MathJax cache and Ctrl-C each end in one line;
figure descriptions reach MyST-NB's image alt option."""
import importlib.util
import tarfile
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("site_build", Path(__file__).resolve().parents[1] / "docs" / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


@pytest.mark.parametrize("text, message", [
    ("{not json", r"x.ipynb: not a notebook \(invalid JSON at line 1, column 2"),
    ('{"nbformat": 4}', r"x.ipynb: not a notebook \(no list of cells\)"),
    ('{"cells": [{"source": "x"}]}', r"x.ipynb: not a notebook \(cell 0 has no cell_type or source\)"),
])
def test_a_file_that_is_not_a_notebook_is_named_in_one_line(tmp_path, text, message):
    (tmp_path / "x.ipynb").write_text(text)
    with pytest.raises(SystemExit, match=message) as stop:
        build.notebook_map([tmp_path / "x.ipynb"])
    assert "\n" not in str(stop.value.code)


def test_a_truncated_mathjax_cache_is_fetched_again(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build, "CACHE", tmp_path)
    tarball = tmp_path / f"mathjax-{build.MATHJAX_VERSION}.tgz"
    tarball.write_bytes(b"\x1f\x8b truncated")
    fetched = []

    def fetch(path):
        fetched.append(path)
        with tarfile.open(path, "w:gz"):
            pass  # an empty but complete package

    monkeypatch.setattr(build, "fetch_mathjax", fetch)
    edition = build.Edition("en", tmp_path, tmp_path / "stage", tmp_path / "out", tmp_path)
    build.mathjax(edition)
    assert fetched == [tarball] and "damaged (sha512 mismatch); fetching it again" in capsys.readouterr().err


def test_ctrl_c_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr(build, "build_site", lambda argv: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(SystemExit) as stop:
        build.main([])
    assert stop.value.code == 130 and capsys.readouterr().err == \
        "make html: interrupted; run it again to finish (what was built is reused)\n"


def test_each_figure_description_becomes_the_alt_of_its_cells_images():
    described = {"cell_type": "code", "source": "plt.plot(x)", "outputs": [],
                 "metadata": {"d2lmini": {"alt": " Loss per epoch: it falls. ", "skill": "x"},
                              "mystnb": {"image": {"width": "80%"}}}}
    plain = {"cell_type": "code", "source": "1", "outputs": [], "metadata": {"d2lmini": {"alt": "  "}}}
    prose = {"cell_type": "markdown", "source": "text", "metadata": {"d2lmini": {"alt": "not a figure"}}}
    nb = {"cells": [described, plain, prose]}
    assert build.describe_figures(nb) == 1
    assert described["metadata"]["mystnb"]["image"] == {"width": "80%", "alt": "Loss per epoch: it falls."}
    assert described["metadata"]["d2lmini"]["skill"] == "x"  # the rest of the metadata stays
    assert "mystnb" not in plain["metadata"] and "mystnb" not in prose["metadata"]
