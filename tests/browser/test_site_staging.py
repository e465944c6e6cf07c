"""The site's staging step (docs/build.py), without a browser: solutions collapse, the map reads headers."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("site_build", ROOT / "docs" / "build.py")
site_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(site_build)


def _cell(cell_type, source, nbgrader=None, tags=()):
    meta = {"tags": list(tags)} if tags else {}
    if nbgrader is not None:
        meta["nbgrader"] = dict(nbgrader, schema_version=3)
    return {"cell_type": cell_type, "source": source, "metadata": meta}


def test_solutions_and_model_answers_collapse_hidden_tests_go_and_nothing_else():
    nb = {"cells": [
        _cell("markdown", "**Exercise 1.** Write softmax."),
        _cell("code", "def softmax(O):\n    ### BEGIN SOLUTION\n    return O\n    ### END SOLUTION",
              {"grade": False, "solution": True, "locked": False, "grade_id": "nb01-ex1-solution"},
              tags=["nbval-ignore-output"]),
        _cell("code", "assert softmax(1) == 1, 'softmax'\n### BEGIN HIDDEN TESTS\nassert softmax(2) == 2\n"
                      "### END HIDDEN TESTS\nprint('ok')\n",
              {"grade": True, "solution": False, "locked": True, "points": 1, "grade_id": "nb01-ex1-test"}),
        _cell("markdown", "Why?"),
        _cell("markdown", ["*Model answer.* Because $\\frac{a}{b}$.\n", "Second line."],
              {"grade": True, "solution": True, "locked": False, "points": 2, "grade_id": "nb01-ex2-answer"}),
        _cell("code", "print(1)"),
    ]}
    assert site_build.collapse_solutions(nb) == 2
    solution, test, answer, plain = nb["cells"][1], nb["cells"][2], nb["cells"][4], nb["cells"][5]
    assert solution["metadata"]["tags"] == ["nbval-ignore-output", "hide-input"]
    assert solution["metadata"]["mystnb"]["code_prompt_show"] == "Show solution"
    assert "### BEGIN SOLUTION" in solution["source"]  # the code itself is untouched
    assert answer["source"].startswith('<details class="solution">\n<summary>Show solution</summary>\n\n')
    assert "$\\frac{a}{b}$.\nSecond line." in answer["source"] and answer["source"].endswith("</details>\n")
    assert "tags" not in test["metadata"] and "mystnb" not in test["metadata"]
    assert test["source"] == "assert softmax(1) == 1, 'softmax'\nprint('ok')\n"  # hidden tests stay hidden
    assert plain["metadata"] == {}


def test_notebook_map_reads_the_header_cell(tmp_path):
    header = ("# 03. Softmax regression from scratch\n\n**Prerequisites:** notebooks 01 and 02 · "
              "**Time in class:** about 60 minutes\n\n**What you will learn**\n- a\n")
    path = tmp_path / "03_softmax_scratch.ipynb"
    path.write_text(site_build.json.dumps({"cells": [_cell("markdown", header)]}))
    table = site_build.notebook_map([path])
    assert "| [03. Softmax regression from scratch](03_softmax_scratch.ipynb) | notebooks 01 and 02 | " \
           "about 60 minutes |" in table
