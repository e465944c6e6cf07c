"""python -m d2lmini, before torch is imported: Ctrl-C, SIGTERM or SIGHUP end the start in one line."""
import os
import signal
import sys


def _stop(signum, frame):
    os.write(2, b"d2lmini: interrupted while starting; nothing written\n")
    os._exit(128 + signum)


def started_as_command():
    """True while `python -m d2lmini` imports the package (its sys.argv[0] is then '-m')."""
    orig = getattr(sys, "orig_argv", [])
    return sys.argv[:1] == ["-m"] and any(a == "-m" and b == "d2lmini" for a, b in zip(orig, orig[1:]))


def install():
    """Handlers that end the process with one line; cli.main replaces them once it runs."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        s = getattr(signal, name, None)
        if s is not None and signal.getsignal(s) not in (signal.SIG_IGN, None):
            signal.signal(s, _stop)
