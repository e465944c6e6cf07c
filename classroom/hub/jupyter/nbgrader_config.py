# nbgrader settings for every server on the course hub (the hub puts this folder on JUPYTER_CONFIG_PATH).
# The teacher's own ~/.jupyter/nbgrader_config.py (written by setup_course.py init) adds the course folder.
import os

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "d2lmini"
# The exchange: where released lessons wait for students and submissions wait for the teacher. One folder
# per course below it (path_includes_course), so several courses can share one hub. The hub's state folder
# holds it (D2LMINI_EXCHANGE, set by jupyterhub_config.py); nbgrader's usual place is /srv/nbgrader/exchange.
c.Exchange.root = os.environ.get("D2LMINI_EXCHANGE", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True
# Which courses a user takes or teaches: their JupyterHub groups nbgrader-<course> and formgrade-<course>.
from nbgrader.auth import JupyterHubAuthPlugin  # noqa: E402

c.Authenticator.plugin_class = JupyterHubAuthPlugin
