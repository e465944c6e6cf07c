"""One safe output folder for the main job and the grader: nothing a user owns is ever deleted.

    with output_folder(out, marker="d2lmini-run", inputs=(submissions,)) as tmp:
        ... write files under tmp ...

The folder is written as ``tmp`` (inside a hidden working folder beside ``out``) and moves into place only when
the block ends normally; an exception in the block removes it and leaves ``out`` as it was. A marker file inside
names its kind and lists what it wrote, so a later job recognises its own earlier output and replaces nothing
else. ``out`` is refused (OutputError, one line naming what the user typed) when it is a file, a symbolic link, a
mount point, a folder holding anything that is not an earlier output of the same kind, inside or around an input,
or inside an earlier or locked output. Nothing is followed or written through a symbolic link: lock, working
folder and leftovers of killed jobs included (leftovers that are links or not ours are ignored). Just before the
swap ``out`` is checked again: if anything changed in it while the job ran, nothing is replaced and the results
are kept in a new folder beside it. A signal arriving during the swap is held back until the swap is complete
and then delivered; an exception that still interrupts it carries ``outcome`` ("committed", "partial" or
"untouched"), read from the disk, and ``outcome_message``.
"""
import contextlib
import json
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

__all__ = ["output_folder", "OutputError", "MARKER_FILE", "read_marker"]

MARKER_FILE = ".d2lmini-output"
_STAMP = "owner"  # inside a working folder: says that this job kind made it
_MAX_NAME = 200  # bytes; leaves room for the working names beside it within the 255-byte limit
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class OutputError(ValueError):
    """The output folder is refused, or could not be committed; the message is one line naming --out."""


# ---------------------------------------------------------------------------------------------------------------
# Reading the disk without following links.

def _lstat(path):
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _is_real_dir(path):
    st = _lstat(path)
    return st is not None and stat.S_ISDIR(st.st_mode)


def _entries(folder):
    """Every path under folder, relative, with its type, size, time and inode; links listed, never followed."""
    found = {}
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in dirs + files:
            path = os.path.join(top, name)
            st = os.lstat(path)
            rel = os.path.relpath(path, folder)
            is_dir = stat.S_ISDIR(st.st_mode)
            found[rel] = (stat.S_IFMT(st.st_mode), 0 if is_dir else st.st_size, 0 if is_dir else st.st_mtime_ns,
                          st.st_ino)
    return found


def _fingerprint(folder):
    """What a folder holds now (None where there is no folder); equal fingerprints mean nothing changed."""
    if not _is_real_dir(folder):
        return None if _lstat(folder) is None else ("not a folder",)
    try:
        return tuple(sorted(_entries(folder).items()))
    except OSError:
        return ("unreadable",)


def _changes(before, now):
    """One phrase saying how a folder's fingerprint changed."""
    if now is None:
        return "it was removed"
    if before is None:
        return "it was created meanwhile"
    added = sorted(set(dict(now)) - set(dict(before))) if all(isinstance(e, tuple) for e in before + now) else []
    if added:
        return f"{', '.join(added[:3])}{', ...' if len(added) > 3 else ''} appeared in it"
    return "files in it changed or were removed"


def read_marker(folder):
    """The marker of an earlier output in folder (a dict with kind, token, files), or None."""
    path = os.path.join(folder, MARKER_FILE)
    st = _lstat(path)
    if st is None or not stat.S_ISREG(st.st_mode) or st.st_size > 10_000_000:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        with os.fdopen(fd, "rb") as f:
            marker = json.loads(f.read().decode())
    except (OSError, ValueError):
        return None
    ok = isinstance(marker, dict) and isinstance(marker.get("kind"), str) and isinstance(marker.get("files"), list)
    return marker if ok else None


def _strays(folder, marker, legacy):
    """The names in folder that an earlier output of this kind did not write ([] for an empty folder)."""
    found = read_marker(folder)
    if found is not None and found["kind"] == marker:
        wrote = set(found["files"]) | {MARKER_FILE}
        return [n for n in sorted(_entries(folder)) if n not in wrote]
    names = sorted(os.listdir(folder))  # not ours: the top level is enough to refuse it, however large it is
    if not names or (found is None and legacy is not None and legacy(Path(folder))):
        return []
    return names


# ---------------------------------------------------------------------------------------------------------------
# Renames.

def _renameat2(a, b, flags):
    """Linux renameat2: True done, False unavailable here; raises OSError for a real failure."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), flags) == 0:
        return True
    err = ctypes.get_errno()
    if err in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: not supported by the kernel or file system
        return False
    raise OSError(err, os.strerror(err), str(b))


def _exchange(a, b):
    """Swap two paths atomically (RENAME_EXCHANGE); False where that is unavailable."""
    return _renameat2(a, b, 2)


def _rename_noreplace(a, b):
    """Rename a to b, failing with FileExistsError if b exists (even an empty folder)."""
    if not _renameat2(a, b, 1):
        if _lstat(b) is not None:
            raise FileExistsError(17, "File exists", str(b))
        os.rename(a, b)


def _fsync_dir(path):
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_new(path, content):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())


def _sync_tree(folder):
    for top, _, files in os.walk(folder, followlinks=False):
        for name in files:
            path = os.path.join(top, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                with contextlib.suppress(OSError):
                    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
        _fsync_dir(top)


# ---------------------------------------------------------------------------------------------------------------
# Signals during the swap.

class _HeldSignals:
    """Holds back SIGINT, SIGTERM and SIGHUP (Python handlers: any thread may receive them) until released."""

    def __init__(self):
        self.caught, self.previous = [], {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for s in _SIGNALS:
                handler = signal.getsignal(s)
                if handler not in (signal.SIG_IGN, None):
                    self.previous[s] = handler
                    signal.signal(s, lambda signum, frame: self.caught.append(signum))
        return self

    def __exit__(self, *exc):
        for s, handler in self.previous.items():
            signal.signal(s, handler)
        return False

    def deliver(self):
        """Deliver the first signal held back, as its handler would have (may raise)."""
        if not self.caught:
            return
        signum = self.caught[0]
        handler = self.previous[signum]
        if callable(handler):
            handler(signum, None)
        else:  # SIG_DFL
            os.kill(os.getpid(), signum)


# ---------------------------------------------------------------------------------------------------------------
# The output folder.

class _Output:
    """One job's claim on out: the checks, the lock, the working folder and the swap."""

    def __init__(self, out, marker, inputs, legacy):
        self.shown = str(out)
        self.out = Path(os.path.abspath(out))
        self.parent, self.name = self.out.parent, self.out.name
        self.marker, self.legacy = marker, legacy
        self.inputs = [(str(p), Path(os.path.realpath(p))) for p in inputs]
        self.lock_path = self.parent / f".{self.name}.lock"
        self.work, self.tmp, self.lock_fd, self.before = None, None, None, None
        self.token = uuid.uuid4().hex
        self.created, self.kept = [], None

    def refuse(self, why):
        raise OutputError(f"--out {self.shown} {why}")

    # -- before the job --------------------------------------------------------------------------------------
    def check(self):
        """Everything that can be judged before taking the lock."""
        if not self.name or self.name in (".", ".."):
            self.refuse("does not name a folder")
        if len(os.fsencode(self.name)) > _MAX_NAME:
            self.refuse(f"has a name of {len(os.fsencode(self.name))} bytes; use at most {_MAX_NAME}")
        st = _lstat(self.out)
        if st is not None:
            if stat.S_ISLNK(st.st_mode):
                self.refuse("is a symbolic link; d2lmini never writes through links: name the real folder")
            if not stat.S_ISDIR(st.st_mode):
                self.refuse("exists and is not a folder")
            if os.path.ismount(self.out):
                self.refuse("is a mount point, which cannot be replaced; name a folder inside it")
        real = Path(os.path.realpath(self.parent)) / self.name
        for shown, inp in self.inputs:
            if real == inp or inp in real.parents:
                self.refuse(f"is inside the input {shown}; choose a folder outside it")
            if real in inp.parents:
                self.refuse(f"contains the input {shown}; choose a folder outside it")
        for ancestor in real.parents:
            if read_marker(ancestor) is not None:
                self.refuse(f"is inside the earlier output {ancestor}; choose a folder outside it")
            if ancestor.name and _held(ancestor.parent / f".{ancestor.name}.lock"):
                self.refuse(f"is inside {ancestor}, which another d2lmini job is writing; choose another folder")
        p = self.parent
        while _lstat(p) is None:
            self.created.insert(0, p)
            p = p.parent
        if not _is_real_dir(p) and not p.is_dir():
            self.refuse("cannot be created: a parent of it is a file, not a folder")

    def prepare(self):
        self.check()
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            self.refuse("cannot be created: a parent of it is a file, not a folder")
        except OSError as err:
            self.refuse(f"cannot be created: {err.strerror or err}")
        if not os.access(self.parent, os.W_OK | os.X_OK):
            self.refuse(f"cannot be written: the folder {self.parent} is not writable")
        self._lock()
        if _is_real_dir(self.out):
            strays = _strays(self.out, self.marker, self.legacy)
            if strays:
                shown = ", ".join(strays[:3]) + (", ..." if len(strays) > 3 else "")
                self.refuse(f"holds files that are not an earlier {self.marker} output ({shown}); choose another "
                            "--out or empty it")
        self._clear_leftovers()
        self.before = _fingerprint(self.out)
        try:
            self.work = Path(tempfile.mkdtemp(prefix=f".{self.name}.tmp-", dir=self.parent))
            _write_new(self.work / _STAMP, f"{self.marker}\n".encode())
            self.tmp = self.work / "out"
            self.tmp.mkdir()
        except OSError as err:
            self.refuse(f"cannot be written: {err.strerror or err}")
        return self.tmp

    def _lock(self):
        flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        while True:
            try:
                fd = os.open(self.lock_path, flags, 0o644)
            except OSError as err:
                if _lstat(self.lock_path) is not None and stat.S_ISLNK(os.lstat(self.lock_path).st_mode):
                    self.refuse("cannot be locked: a symbolic link stands where d2lmini keeps its lock beside it; "
                                "remove that link")
                self.refuse(f"cannot be created: {err.strerror or err}")
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
                os.close(fd)
                self.refuse("cannot be locked: something other than d2lmini's own lock file stands beside it "
                            "under the lock's name; remove it")
            try:
                _try_lock(fd)
            except BlockingIOError:
                os.close(fd)
                self.refuse("is in use by another d2lmini job; wait for it to finish or choose another --out")
            try:
                same = os.path.samestat(st, os.lstat(self.lock_path))
            except FileNotFoundError:
                same = False
            if same:
                self.lock_fd = fd
                return
            os.close(fd)  # the previous holder removed the file as we opened it: take a fresh one

    def _clear_leftovers(self):
        """Working folders of killed jobs into this out (we hold the lock); links and strangers are ignored."""
        with os.scandir(self.parent) as it:
            names = [e.name for e in it if e.name.startswith(f".{self.name}.tmp-")]
        for name in names:
            work = self.parent / name
            if not self._ours(work):
                continue
            old = work / "old"
            if _lstat(self.out) is None and _is_real_dir(old):
                os.rename(old, self.out)  # killed between the two renames of a swap: the earlier output is back
            shutil.rmtree(work, ignore_errors=True)

    def _ours(self, work):
        if not _is_real_dir(work):
            return False
        stamp = work / _STAMP
        st = _lstat(stamp)
        if st is None or not stat.S_ISREG(st.st_mode) or st.st_size > 1000:
            return False
        try:
            fd = os.open(stamp, os.O_RDONLY | _NOFOLLOW)
            with os.fdopen(fd, "rb") as f:
                return f.read().decode(errors="replace") == f"{self.marker}\n"
        except OSError:
            return False

    # -- after the job ---------------------------------------------------------------------------------------
    def commit(self):
        """Mark, flush, re-check out and swap; raises OutputError where out changed meanwhile.

        Any exception on the way (a signal's, delivered once the swap is complete) carries the outcome read
        from the disk.
        """
        held = _HeldSignals()
        try:
            files = sorted(_entries(self.tmp))
            marker = {"kind": self.marker, "token": self.token, "files": files,
                      "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
            _write_new(self.tmp / MARKER_FILE, (json.dumps(marker, indent=1) + "\n").encode())
            _sync_tree(self.tmp)
            with held:
                self.kept = self._swap()
                _fsync_dir(self.parent)
                self._remove_work()  # the earlier output, swapped out (or nothing)
            held.deliver()
        except BaseException as exc:
            self._attach_outcome(exc)
            raise
        if self.kept is not None:
            self.refuse(f"changed while the job ran ({self.kept[1]}); nothing replaced, the results are kept in "
                        f"{self.kept[0]}/")

    def _swap(self):
        """The swap itself; returns (kept folder, why) where out changed and the results went beside it."""
        now = _fingerprint(self.out)
        if now != self.before:
            return self._keep_aside(_changes(self.before, now))
        if self.before is None:
            try:
                _rename_noreplace(self.tmp, self.out)
            except FileExistsError:
                return self._keep_aside("it was created meanwhile")
            return None
        if _exchange(self.tmp, self.out):
            if _fingerprint(self.tmp) != self.before:  # changed between the check and the exchange: swap back
                _exchange(self.tmp, self.out)
                return self._keep_aside("files appeared or changed in it")
            return None
        os.rename(self.out, self.work / "old")  # no atomic exchange here: two renames, undone by the next job
        os.rename(self.tmp, self.out)
        return None

    def _keep_aside(self, why):
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for i in range(100):
            kept = self.parent / f"{self.name}.kept-{stamp}{f'-{i}' if i else ''}"
            try:
                _rename_noreplace(self.tmp, kept)
            except FileExistsError:
                continue
            os.unlink(kept / MARKER_FILE)  # not an output of ours to replace: the user decides what to do with it
            return os.path.join(os.path.dirname(self.shown), kept.name), why
        raise OutputError(f"--out {self.shown} changed while the job ran and no folder beside it was free")

    def outcome(self):
        """What the disk shows: committed (out holds these results), untouched, or partial."""
        marker = read_marker(self.out) if _is_real_dir(self.out) else None
        if marker is not None and marker.get("token") == self.token:
            return "committed"
        if _fingerprint(self.out) == self.before:
            return "untouched"
        return "partial"

    def _attach_outcome(self, exc):
        exc.outcome = self.outcome()
        exc.outcome_message = {
            "committed": f"{self.shown} holds the new results",
            "untouched": (f"{self.shown} left as it was" if self.before is not None else f"{self.shown} not created")
            + (f"; the results are kept in {self.kept[0]}/" if self.kept else ""),
            "partial": f"{self.shown} was being replaced; the next job into it puts the earlier output back",
        }[exc.outcome]

    def _remove_work(self):
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            self.work = self.tmp = None

    def close(self, failed):
        """Remove the working folder unless a swap was cut short (the next job repairs it), release the lock."""
        if failed and self.work is not None and _is_real_dir(self.work / "old") and _lstat(self.out) is None:
            self.work = None  # the earlier output is in there: leave it for the next job to put back
        self._remove_work()
        if self.lock_fd is not None:
            with contextlib.suppress(OSError):
                if os.path.samestat(os.fstat(self.lock_fd), os.lstat(self.lock_path)):
                    os.unlink(self.lock_path)
            os.close(self.lock_fd)
            self.lock_fd = None
        if failed:
            for p in reversed(self.created):  # the parents this job created, where still empty
                with contextlib.suppress(OSError):
                    os.rmdir(p)


def _held(lock_path):
    """True where another job holds the lock file at lock_path (never follows a link)."""
    try:
        fd = os.open(lock_path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        try:
            _try_lock(fd, shared=True)
        except BlockingIOError:
            return True
        return False
    finally:
        os.close(fd)  # closing releases our test lock


def _try_lock(fd, shared=False):
    try:
        import fcntl
    except ImportError:  # Windows: msvcrt locks the first byte
        import msvcrt
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise BlockingIOError from None
        return
    fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)


@contextlib.contextmanager
def output_folder(out, marker="d2lmini-run", inputs=(), legacy=None):
    """Yield a fresh folder (a Path) that replaces out, all at once, when the block ends normally.

    Raises OutputError (a ValueError) when out is refused. ``inputs``: folders out must be neither inside nor
    around. ``legacy``: optional test, folder -> bool, for earlier outputs written before the marker existed.
    """
    job = _Output(out, marker, inputs, legacy)
    failed = True
    try:
        tmp = job.prepare()
        yield tmp
        job.commit()
        failed = False
    finally:
        job.close(failed)
