"""Set up the course hub's folders and accounts (run as root, with the project's Python).

    sudo .venv/bin/python classroom/hub/setup_course.py init --teacher ada    # the hub's folders, ada's course
    sudo .venv/bin/python classroom/hub/setup_course.py add-user alice        # a student (prints a password)
    sudo .venv/bin/python classroom/hub/setup_course.py add-user ada --teacher --password '...'
    sudo .venv/bin/python classroom/hub/setup_course.py remove-user alice     # the account and its home

`init` makes the hub's state folder (D2LMINI_HUB_DIR, default build/hub) with nbgrader's exchange in it,
and the teacher's course folder ~TEACHER/d2lmini-course: nbgrader's source/ with one assignment per lesson
(notebooks/NN_*.ipynb, made by classroom/course.py) and the gradebook, readable by the teacher only.
The teacher then generates and releases a lesson in the Formgrader. It creates the teacher's account
(with a printed password) if there is none. Running it again keeps an existing course folder.

Students and teachers are Unix accounts in the groups d2lmini-students and d2lmini-teachers; the hub
lets in only these (classroom/hub/jupyterhub_config.py). Homes are made private (0700).
"""
from __future__ import annotations

import argparse
import grp
import os
import pwd
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STUDENTS_GROUP, TEACHERS_GROUP = "d2lmini-students", "d2lmini-teachers"
COURSE_FOLDER = "d2lmini-course"
COURSE_ID = "d2lmini"


def hub_dir() -> Path:
    return Path(os.environ.get("D2LMINI_HUB_DIR") or ROOT / "build" / "hub").resolve()


def say(message: str) -> None:
    print(f"setup_course: {message}", flush=True)


def run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"setup_course: {' '.join(cmd)} failed: {(result.stderr or result.stdout).strip()}")


def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        run(["groupadd", name])


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def add_user(name: str, teacher: bool = False, password: str | None = None) -> str | None:
    """Create (or reuse) Unix account `name` in the course group, home 0700; returns a new password or None."""
    group = TEACHERS_GROUP if teacher else STUDENTS_GROUP
    ensure_group(group)
    created = not user_exists(name)
    if created:
        run(["useradd", "--create-home", "--shell", "/bin/bash", name])
        say(f"created the Unix account {name}")
    run(["usermod", "--append", "--groups", group, name])
    Path(pwd.getpwnam(name).pw_dir).chmod(0o700)
    if password is None and created:
        password = secrets.token_urlsafe(12)
    if password is not None:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    say(f"{name} is in {group}" + (f"; password: {password}" if password and created else ""))
    return password


def remove_user(name: str) -> None:
    """Delete account `name` and its home (no error if it does not exist)."""
    if user_exists(name):
        subprocess.run(["userdel", "--remove", name], capture_output=True)
        say(f"removed the Unix account {name} and its home")


def open_python_path() -> list[tuple[Path, int]]:
    """Let every user reach the project's Python and the repository (o+x on the folders above them).

    A Python installed under /root (pyenv's default for root) cannot run as a student otherwise. Only the
    search bit is added: nothing becomes listable or readable that was not. Returns [(folder, old mode)]."""
    changed = []
    targets = [Path(os.path.realpath(sys.executable)), ROOT / "classroom" / "hub" / "jupyterhub_config.py"]
    for target in targets:
        for folder in reversed(target.parents):
            mode = folder.stat().st_mode
            if not mode & 0o001:
                folder.chmod(mode | 0o001)
                changed.append((folder, mode))
                say(f"made {folder} searchable by other users (o+x) so that students can run {target.name}; "
                    f"undo with chmod o-x {folder}")
    return changed


def init(teacher: str, password: str | None) -> None:
    """The hub's state folder and exchange, the teacher's account and course folder."""
    open_python_path()
    state = hub_dir()
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)  # the exchange inside must be reachable by every student; the database files are 0600
    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o1777)  # nbgrader makes each course's inbound (write-only) and outbound inside it
    for p in state.glob("jupyterhub*"):
        p.chmod(0o600)
    say(f"hub state in {state}, nbgrader exchange {exchange}")
    for group in (STUDENTS_GROUP, TEACHERS_GROUP):
        ensure_group(group)
    add_user(teacher, teacher=True, password=password)
    entry = pwd.getpwnam(teacher)
    home = Path(entry.pw_dir)
    course = home / COURSE_FOLDER
    if (course / "source").is_dir():
        say(f"keeping the existing course folder {course}")
    else:
        result = subprocess.run([sys.executable, str(ROOT / "classroom" / "course.py"), "course", str(course)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"setup_course: could not make the course folder {course}:\n{result.stderr[-2000:]}")
        say(f"made the course folder {course}: one assignment per lesson in source/")
    jupyter = home / ".jupyter"
    jupyter.mkdir(exist_ok=True)
    (jupyter / "nbgrader_config.py").write_text(
        "# Written by classroom/hub/setup_course.py: the course this teacher grades in the Formgrader.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")
    for path in [course, jupyter, *course.rglob("*"), *jupyter.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)
    course.chmod(0o700)  # solutions, hidden tests and the gradebook: the teacher's alone
    say(f"the course folder is {teacher}'s alone (0700)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("init", help="the hub's folders, the exchange, the teacher's account and course folder")
    p.add_argument("--teacher", required=True, help="the teacher's Unix account (created if missing)")
    p.add_argument("--password", help="the teacher's password, if the account is created (default: generated)")
    p = sub.add_parser("add-user", help="a student's (or with --teacher a teacher's) Unix account")
    p.add_argument("name")
    p.add_argument("--teacher", action="store_true")
    p.add_argument("--password", help="set this password (default: a generated one for a new account)")
    p = sub.add_parser("remove-user", help="delete an account and its home")
    p.add_argument("name")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("setup_course: run it as root (sudo): it creates Unix accounts and folders for other users")
    for tool in ("useradd", "usermod", "groupadd", "chpasswd"):
        if shutil.which(tool) is None:
            sys.exit(f"setup_course: {tool} not found: this needs Linux's shadow utilities (package passwd)")
    if args.command == "init":
        init(args.teacher, args.password)
    elif args.command == "add-user":
        add_user(args.name, args.teacher, args.password)
    else:
        remove_user(args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
