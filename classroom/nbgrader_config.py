# nbgrader configuration for the d2lmini classroom edition.
#
# classroom/nbgrader_env.py copies this file into each course folder it makes (and adds
# c.CourseDirectory.root). For a persistent course on JupyterHub, `python classroom/course.py
# course DIR` writes it next to source/; edit it there (course_id, exchange, database).
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "d2lmini"

# One assignment per lesson notebook: source/<stem>/<stem>.ipynb, e.g. source/03_softmax_scratch/.
# Every notebook runs in the kernel named in its metadata ("python3"); jupyter_client starts that
# kernel with the Python that runs nbgrader, so run nbgrader from the project's environment.

# A notebook trains small models: 10-40 s on one core. Ten minutes per cell is a generous limit for
# nbgrader run by hand; `course.py grade` sets its own per lesson (4 times the lesson's slowest cell,
# 60-300 s) and runs the kernels over ipc. A cell that runs longer is interrupted: its tests score 0.
c.ExecutePreprocessor.timeout = 600

# Students never see the hidden tests: generate_assignment removes them and autograde restores them
# from the gradebook. nbgrader's feedback would show them again, so nbgrader_env.py appends to each
# copy of this file a feedback preprocessor (nbgrader_env.HideHiddenTests) that removes them.
