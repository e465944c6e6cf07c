# JupyterHub for the d2lmini course: `sudo make hub` (or: jupyterhub -f classroom/hub/jupyterhub_config.py).
#
# What runs: the hub (this Python process, as root), configurable-http-proxy in front of it (from npm,
# installed into classroom/hub/node_modules by `make`), one Jupyter server per logged-in user started as
# that user's own Unix account (JupyterHub's default local-process spawner), and jupyterhub-idle-culler,
# which stops servers nobody has used for an hour. Every server has nbgrader's JupyterLab extensions:
# students get the Assignments tab, the teacher also the Formgrader and the course list.
#
# Who may log in: Unix accounts in the group `d2lmini-students` or `d2lmini-teachers`, with their Unix
# password (PAM). Add them with
#     sudo .venv/bin/python classroom/hub/setup_course.py add-user alice            # a student
#     sudo .venv/bin/python classroom/hub/setup_course.py add-user ada --teacher    # a teacher
# (each prints a generated password; --password sets one). Teachers are in nbgrader's instructor group
# (JupyterHub group formgrade-d2lmini): their server shows the Formgrader for the course folder
# ~/d2lmini-course that `setup_course.py init` made from the lessons.
#
# Everything a teacher may want to change is read from environment variables (the Makefile passes them):
#     D2LMINI_HUB_DIR   the hub's state: database, cookie secret, exchange (default build/hub)
#     D2LMINI_HUB_URL   where the hub listens (default http://127.0.0.1:8000: this machine only;
#                       use http://0.0.0.0:8000 behind HTTPS for a class, see c.JupyterHub.ssl_* below)
#     D2LMINI_DATA      the shared read-only data folder every kernel reads (FashionMNIST/, MNIST/)
# and the lines marked "CHANGE" below.
import grp
import os
import pwd
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
from classroom.hub.kernel_env import KERNEL_ENV  # noqa: E402 (the repository is on the path only from here)

VENV_BIN = Path(sys.executable).parent  # the project's environment: the hub, the servers and the kernels
HUB_DIR = Path(os.environ.get("D2LMINI_HUB_DIR") or ROOT / "build" / "hub").resolve()
COURSE_ID = "d2lmini"
STUDENTS_GROUP, TEACHERS_GROUP = "d2lmini-students", "d2lmini-teachers"  # Unix groups

# ------------------------------------------------------------------ the hub itself

c.JupyterHub.bind_url = os.environ.get("D2LMINI_HUB_URL", "http://127.0.0.1:8000")
# the hub's own API and the proxy's API, on 127.0.0.1 only (other ports when two hubs share a machine)
c.JupyterHub.hub_port = int(os.environ.get("D2LMINI_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('D2LMINI_PROXY_API_PORT', '8001')}"
c.JupyterHub.db_url = f"sqlite:///{HUB_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUB_DIR / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(HUB_DIR / "jupyterhub-proxy.pid")
# CHANGE for a class reached over the network: a certificate (or a reverse proxy such as nginx or Caddy
# that terminates HTTPS in front of the hub); passwords must never travel in clear text.
# c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/hub.example.org/fullchain.pem"
# c.JupyterHub.ssl_key = "/etc/letsencrypt/live/hub.example.org/privkey.pem"

# ------------------------------------------------------------------ login

# Unix accounts and their passwords (PAM): what a small class on one server has, and what a teacher can
# try on their own machine. The groups decide who is who: teachers get nbgrader's instructor group.
from jupyterhub.auth import PAMAuthenticator  # noqa: E402


def course_groups(name):
    """The JupyterHub groups of a Unix user: formgrade-<course> for teachers, nbgrader-<course> for students."""
    groups = []
    roles = ((TEACHERS_GROUP, f"formgrade-{COURSE_ID}"), (STUDENTS_GROUP, f"nbgrader-{COURSE_ID}"))
    for unix_group, hub_group in roles:
        try:
            if name in grp.getgrnam(unix_group).gr_mem:
                groups.append(hub_group)
        except KeyError:  # the group does not exist yet: nobody is in it
            pass
    return groups


class CourseAuthenticator(PAMAuthenticator):
    """PAM login; the user's course role (JupyterHub group) follows their Unix group."""

    async def authenticate(self, handler, data):
        name = await super().authenticate(handler, data)
        if name is None:
            return None
        return {"name": name, "groups": course_groups(name)}


c.JupyterHub.authenticator_class = CourseAuthenticator
c.Authenticator.manage_groups = True  # the groups above are the truth: set at every login
c.LocalAuthenticator.allowed_groups = {STUDENTS_GROUP, TEACHERS_GROUP}
c.Authenticator.username_pattern = r"^[a-z_][a-z0-9_-]{0,31}$"  # a valid Unix user name
# CHANGE for your institution's login; keep course_groups (or JupyterHub's load_groups) for the roles:
# - OAuth (Google, GitHub, Microsoft, any OpenID Connect provider such as Keycloak):
#     pip install oauthenticator
#     c.JupyterHub.authenticator_class = "generic-oauth"   # or "github", "google", "azuread"
#     c.GenericOAuthenticator.client_id / client_secret / oauth_callback_url / authorize_url / token_url
#     with the local-process spawner the OAuth names must be Unix accounts: subclass
#     `LocalGenericOAuthenticator` and set c.LocalAuthenticator.create_system_users = True.
# - A learning-management system (Moodle, Canvas, Blackboard) over LTI 1.3:
#     pip install jupyterhub-ltiauthenticator
#     c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.authenticator.LTI13Authenticator"
#     and the LMS's client id, issuer and key-set URL; the LMS course roles can fill the groups.
# - LDAP / Active Directory: pip install jupyterhub-ldapauthenticator;
#     c.JupyterHub.authenticator_class = "ldapauthenticator.LDAPAuthenticator"; c.LDAPAuthenticator.server_address = ...
# - A quick workshop without Unix passwords: c.JupyterHub.authenticator_class = "shared-password" (anyone with
#   the password can log in as anyone: only for throw-away servers).
# Hub administrators (the admin page: start, stop and open other users' servers). The teacher needs
# no admin rights for nbgrader; keep this list short.
# c.Authenticator.admin_users = {"ada"}

# ------------------------------------------------------------------ the users' servers

# The default spawner: each user's Jupyter server is a process of their own Unix account, in their home
# folder. Students are separated by Unix permissions (homes 0700, the course folder 0700, nbgrader's
# exchange inbound write-only); they share the machine's CPU and memory.
# CHANGE for stronger isolation or more machines:
# - systemdspawner (pip install jupyterhub-systemdspawner): each server in a systemd unit with
#   MemoryMax/CPUQuota per user: c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner";
#   c.SystemdSpawner.mem_limit = "1G"; c.SystemdSpawner.cpu_limit = 1.0
# - dockerspawner: one container per user from the image in classroom/hub/Dockerfile.
# - Kubernetes (Zero to JupyterHub): classroom/hub/z2jh-values.yaml; see TEACHING.md.
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120  # a loaded machine starts a server slowly
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "PATH": os.pathsep.join([str(VENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
    # one thread per kernel and glibc's allocator settings (classroom/hub/kernel_env.py says why)
    **KERNEL_ENV,
    "D2LMINI_DATA": os.environ.get("D2LMINI_DATA", ""),
    "D2LMINI_EXCHANGE": str(HUB_DIR / "exchange"),
    # nbgrader's settings for everyone (exchange, course id, who takes which course): classroom/hub/jupyter/
    "JUPYTER_CONFIG_PATH": str(HERE / "jupyter"),
}
# What the JupyterHub API token of a user's server may do: report activity, check access, and read the
# user's own groups (nbgrader's JupyterHubAuthPlugin asks the hub which courses the user takes or teaches).
c.JupyterHub.load_roles = [
    {"name": "server", "scopes": ["users:activity!user", "access:servers!server", "read:users:groups!user",
                                  "read:users:name!user"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]


def is_student(name):
    return f"nbgrader-{COURSE_ID}" in course_groups(name) and f"formgrade-{COURSE_ID}" not in course_groups(name)


def pre_spawn_hook(spawner):
    """Before a server starts: the user's home is theirs alone (0700); students do not get the Formgrader."""
    name = spawner.user.name
    home = Path(pwd.getpwnam(name).pw_dir)
    if home.is_dir():
        home.chmod(stat.S_IRWXU)  # useradd's default on Debian is 0755: readable by every other student
    if is_student(name):
        # the students' config folder comes first: it turns the Formgrader and course list off
        spawner.environment["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(HERE / "jupyter-students"),
                                                                      str(HERE / "jupyter")])


c.Spawner.pre_spawn_hook = pre_spawn_hook

# ------------------------------------------------------------------ services

# Stop servers (and their kernels, and their memory) nobody has used for an hour; the work is saved.
c.JupyterHub.services = [
    {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]},
]
