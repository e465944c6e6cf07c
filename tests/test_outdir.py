"""d2lmini.outdir, the one output-folder mechanism of the main job and the grader (issue 17)."""
import os
import signal
import threading

import pytest

from d2lmini import outdir
from d2lmini.outdir import MARKER_FILE, OutputError, output_folder, read_marker


def _write(out, marker="grades", inputs=(), **files):
    with output_folder(out, marker=marker, inputs=inputs) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text)
    return out


def _hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_an_output_is_committed_with_its_marker_and_replaces_only_its_own_earlier_output(tmp_path):
    out = _write(tmp_path / "g", a="1", b="2")
    assert read_marker(out)["kind"] == "grades" and sorted(read_marker(out)["files"]) == ["a", "b"]
    _write(out, a="new")
    assert sorted(p.name for p in out.iterdir()) == [MARKER_FILE, "a"] and (out / "a").read_text() == "new"
    assert _hidden(tmp_path) == []


def test_a_folder_of_the_users_is_refused_and_left_as_it_was(tmp_path):
    docs = tmp_path / "mydocs"
    docs.mkdir()
    (docs / "precious.txt").write_text("draft")
    with pytest.raises(OutputError, match=r"^--out .*mydocs holds files that are not an earlier grades output "
                                          r"\(precious.txt\)"):
        _write(docs, a="1")
    assert [p.name for p in docs.iterdir()] == ["precious.txt"] and _hidden(tmp_path) == []


def test_a_file_added_to_an_earlier_output_makes_it_the_users(tmp_path):
    out = _write(tmp_path / "g", a="1")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"\(notes.txt\)"):
        _write(out, a="2")
    assert (out / "notes.txt").read_text() == "mine" and (out / "a").read_text() == "1"


def test_an_output_of_another_kind_is_refused(tmp_path):
    out = _write(tmp_path / "g", marker="d2lmini-run", a="1")
    with pytest.raises(OutputError, match="not an earlier grades output"):
        _write(out, a="2")


@pytest.mark.parametrize("where", ["subs", "subs/copy", "subs/copy/grades", "."])
def test_out_inside_or_around_an_input_is_refused(tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "subs" / "copy").mkdir(parents=True)
    (tmp_path / "subs" / "copy" / "a.ipynb").write_text("{}")
    with pytest.raises(OutputError, match=f"^--out {where} (is inside|contains) the input subs/copy; "):
        _write(where, inputs=["subs/copy"], x="1")
    assert (tmp_path / "subs" / "copy" / "a.ipynb").read_text() == "{}"
    assert not (tmp_path / "subs" / "copy" / "grades").exists()


def test_a_file_as_out_is_refused_not_replaced(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        _write(tmp_path / "afile", a="1")
    assert (tmp_path / "afile").read_text() == "x" and _hidden(tmp_path) == []


def test_out_inside_an_earlier_or_a_running_output_is_refused(tmp_path):
    out = _write(tmp_path / "g", a="1")
    with pytest.raises(OutputError, match="is inside the earlier output"):
        _write(out / "sub", a="1")
    with output_folder(tmp_path / "new", marker="grades"):  # running: its folder does not exist yet
        with pytest.raises(OutputError, match="which another d2lmini job is writing"):
            _write(tmp_path / "new" / "sub", a="1")
        with pytest.raises(OutputError, match="is in use by another d2lmini job"):
            _write(tmp_path / "new", a="1")
    assert not (tmp_path / "new" / "sub").exists()


def test_an_exception_in_the_block_leaves_out_untouched(tmp_path):
    out = _write(tmp_path / "g", a="1")
    with pytest.raises(RuntimeError):
        with output_folder(out, marker="grades") as tmp:
            (tmp / "a").write_text("half")
            raise RuntimeError("grading failed")
    assert (out / "a").read_text() == "1" and _hidden(tmp_path) == []
    with pytest.raises(RuntimeError):
        with output_folder(tmp_path / "x" / "y" / "new", marker="grades"):
            raise RuntimeError("failed")
    assert not (tmp_path / "x").exists(), "the parents it created were left behind"


def test_a_hard_linked_lock_file_is_refused_and_not_written(tmp_path):
    (tmp_path / "victim.txt").write_text("important")
    os.link(tmp_path / "victim.txt", tmp_path / ".g.lock")
    with pytest.raises(OutputError, match="^--out .*g cannot be locked"):
        _write(tmp_path / "g", a="1")
    assert (tmp_path / "victim.txt").read_text() == "important"


def test_leftovers_that_are_not_ours_are_ignored(tmp_path):
    stranger = tmp_path / ".g.tmp-zzz"
    (stranger / "old").mkdir(parents=True)
    (stranger / "old" / "keep").write_text("k")
    _write(tmp_path / "g", a="1")
    assert (stranger / "old" / "keep").read_text() == "k" and not (tmp_path / "g" / "keep").exists()


def test_no_atomic_exchange_gives_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)
    out = _write(tmp_path / "g", a="1")
    _write(out, b="2")
    assert sorted(p.name for p in out.iterdir()) == [MARKER_FILE, "b"] and _hidden(tmp_path) == []


def test_a_folder_created_at_out_during_the_job_is_kept_and_the_results_put_beside(tmp_path):
    out = tmp_path / "g"
    with pytest.raises(OutputError, match=r"changed while the job ran \(it was created meanwhile\); nothing "
                                          r"replaced, the results are kept in .*g.kept-"):
        with output_folder(out, marker="grades") as tmp:
            (tmp / "a").write_text("1")
            out.mkdir()
    assert list(out.iterdir()) == []
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("g.kept-")]
    assert len(kept) == 1 and [p.name for p in kept[0].iterdir()] == ["a"]


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_during_the_swap_is_delivered_after_it_with_the_outcome(tmp_path, monkeypatch, signame):
    signum = getattr(signal, signame)

    class Stop(BaseException):
        pass

    def raise_stop(s, frame):
        raise Stop(s)

    previous = signal.signal(signum, raise_stop)
    real = outdir._exchange

    def exchange(a, b):
        threading.Thread(target=os.kill, args=(os.getpid(), signum)).start()  # any thread may receive it
        threading.Event().wait(0.2)
        return real(a, b)

    monkeypatch.setattr(outdir, "_exchange", exchange)
    try:
        out = _write(tmp_path / "g", a="1")
        with pytest.raises(Stop) as stop:
            _write(out, a="2")
    finally:
        signal.signal(signum, previous)
    assert stop.value.outcome == "committed" and stop.value.outcome_message.endswith("g holds the new results")
    assert (out / "a").read_text() == "2" and _hidden(tmp_path) == []


def test_the_outcome_is_read_from_the_disk(tmp_path):
    job = outdir._Output(tmp_path / "g", "grades", (), None)
    job.before = None
    assert job.outcome() == "untouched"
    (tmp_path / "g").mkdir()
    assert job.outcome() == "partial"
    (tmp_path / "g" / MARKER_FILE).write_text(f'{{"kind": "grades", "token": "{job.token}", "files": []}}')
    assert job.outcome() == "committed"
