# d2lmini: one command sets up, trains or tests; each runs `setup` first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NB ?= $(NOTEBOOKS)
ARGS ?=
SHARED_DATA := $(wildcard ../shared/data)
export D2LMINI_DATA ?= $(if $(SHARED_DATA),$(abspath $(SHARED_DATA)),)
-include local.mk  # untracked machine-specific settings, e.g. export OMP_NUM_THREADS=1

.PHONY: axe-deps student-zh zh zh-update setup train test lint unit nbval lab bench execute html clean student grade solutions classroom-test classroom-answers test-browser hub hub-deps class-load

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebooks,test]'
	# the JupyterLab extension (figure descriptions as alt text): an editable install skips pyproject's
	# data-files, so link the folder where `jupyter lab` looks (a wheel installs a copy there itself)
	mkdir -p $(VENV)/share/jupyter/labextensions/@d2lmini
	rm -rf $(VENV)/share/jupyter/labextensions/@d2lmini/a11y
	ln -s $(abspath d2lmini/labextension) $(VENV)/share/jupyter/labextensions/@d2lmini/a11y
	touch $(STAMP)

train: setup  ## the main job; pass options with ARGS="--dataset mnist --epochs 5"
	$(BIN)/python -m d2lmini train $(ARGS)

test: lint unit nbval classroom-test test-browser  ## lint, unit tests, every notebook under nbval, the classroom checks, the site and JupyterLab in a browser

lint: setup  ## ruff on the package, the tests and the benchmark
	$(BIN)/python -m ruff check $(wildcard d2lmini tests benchmarks docs classroom)

unit: setup
	$(BIN)/python -m pytest tests -q -n 2  # two workers: the notebooks and tests use one thread each

nbval: setup  ## every notebook under strict nbval, two at a time (each kernel uses one thread)
	MPLBACKEND= $(BIN)/python -m pytest -q -n 2 --dist loadfile --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg \
		--nbval-cell-timeout=600 -p no:cacheprovider $(NB)

lab: setup
	$(BIN)/jupyter lab notebooks

bench: setup  ## whole processes side by side: make train's job vs the classic per-sample DataLoader job
	$(BIN)/python benchmarks/bench.py

execute: setup  ## re-execute notebooks in place in a fresh kernel: make execute NB=notebooks/03_*.ipynb
	for nb in $(NB); do MPLBACKEND= $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.store_widget_state=False "$$nb" || exit 1; done

zh-update: setup  ## after an English edit: new and changed prose goes into locale/zh_CN/*.po (a changed message turns fuzzy)
	$(BIN)/python locale/i18n.py update

zh: setup  ## the Chinese notebooks, notebooks/zh/*.ipynb, built from the English ones and locale/zh_CN/*.po
	$(BIN)/python locale/i18n.py build
	$(BIN)/python locale/i18n.py check

DOCS_STAMP := $(VENV)/.installed-docs

$(DOCS_STAMP): $(STAMP) docs/constraints.txt
	$(BIN)/python -m pip install --quiet -e '.[docs]' -c docs/constraints.txt
	touch $(DOCS_STAMP)

html: $(DOCS_STAMP)  ## the website in build/html: Sphinx + MyST-NB pages of the committed notebooks, offline
	$(BIN)/python docs/build.py

test-browser: html hub-deps axe-deps  ## the site, JupyterLab and the course hub in headless Chromium (apt-get install chromium)
	D2LMINI_BROWSER_TESTS=1 $(BIN)/python -m pytest tests/browser -q -rs -p no:cacheprovider --durations=5

AXE_STAMP := tests/browser/node_modules/.installed

axe-deps: $(AXE_STAMP)  ## axe-core (npm ci, pinned by tests/browser/package-lock.json): the accessibility checks of the browser tests

$(AXE_STAMP): tests/browser/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "the accessibility checks need Node.js and npm: apt-get install nodejs npm"; exit 1; }
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The classroom edition (nbgrader; see TEACHING.md). One folder per student: SUBMISSIONS/<student>/<notebook>.ipynb
STUDENT ?= build/student
SOLUTIONS ?= build/solutions
GRADES ?= build/grades
SUBMISSIONS ?=
CLASSROOM_NOTEBOOKS ?= notebooks

student: setup  ## the student edition: solutions replaced by stubs, hidden tests removed, outputs cleared
	$(BIN)/python classroom/course.py student --notebooks "$(CLASSROOM_NOTEBOOKS)" --out "$(STUDENT)"

student-zh: setup  ## the Chinese student edition in build/student-zh/ (from notebooks/zh; grading is the same)
	$(BIN)/python classroom/course.py student --notebooks notebooks/zh --out build/student-zh

solutions: setup  ## per lesson, the exercises with their solutions (HTML and notebook) in build/solutions
	$(BIN)/python classroom/course.py solutions --notebooks "$(CLASSROOM_NOTEBOOKS)" --out "$(SOLUTIONS)"

grade: setup  ## autograde a class: make grade SUBMISSIONS=dir -> build/grades/scores.csv and feedback/
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir  (dir/<student>/<notebook>.ipynb)"; exit 2; }
	$(BIN)/python classroom/course.py grade "$(SUBMISSIONS)" --notebooks "$(CLASSROOM_NOTEBOOKS)" --out "$(GRADES)"

classroom-test: setup classroom-answers  ## every notebook's exercises checked both ways through nbgrader, a grading round trip
	D2LMINI_CLASSROOM=all $(BIN)/python -m pytest tests/test_classroom.py -q --durations=5 -k series

classroom-answers: setup  ## every wrong-answer table (tests/exercise_answers) against its lesson's test cells, two lessons at a time
	D2LMINI_CLASSROOM=all $(BIN)/python -m pytest tests/test_exercise_answers.py -q -n 2 --durations=5 -k wrong_answers

clean:
	rm -rf build runs .pytest_cache

# The course hub (classroom/hub/, TEACHING.md): JupyterHub + nbgrader for a class on this machine, run as root.
HUB_DIR ?= build/hub
HUB_URL ?= http://127.0.0.1:8000
HUB_TEACHER ?= $(or $(SUDO_USER),teacher)
HUB_STAMP := classroom/hub/node_modules/.installed

hub-deps: $(HUB_STAMP)  ## what the hub needs: jupyterhub + idle culler (PyPI), configurable-http-proxy (npm ci)

$(HUB_STAMP): $(STAMP) pyproject.toml classroom/hub/package-lock.json
	@command -v npm >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Node.js and npm (apt-get) for the hub's proxy"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
		else echo "the hub's proxy needs Node.js 20+ and npm: apt-get install nodejs npm"; exit 1; fi; }
	$(BIN)/python -m pip install --quiet -e '.[hub]'
	cd classroom/hub && npm ci --no-audit --no-fund --loglevel=error
	touch $@

hub: hub-deps  ## the course hub at HUB_URL (sudo make hub): teacher HUB_TEACHER, state in HUB_DIR
	@test "$$(id -u)" = 0 || { echo "make hub creates accounts and runs servers as them: run it as root (sudo make hub)"; exit 2; }
	D2LMINI_HUB_DIR="$(abspath $(HUB_DIR))" $(BIN)/python classroom/hub/setup_course.py init --teacher "$(HUB_TEACHER)"
	@echo "add students with: sudo $(BIN)/python classroom/hub/setup_course.py add-user NAME; open $(HUB_URL)"
	cd "$(HUB_DIR)" && D2LMINI_HUB_DIR="$(abspath $(HUB_DIR))" D2LMINI_HUB_URL="$(HUB_URL)" \
		$(abspath $(BIN))/jupyterhub -f "$(abspath classroom/hub/jupyterhub_config.py)"

STUDENTS ?= 6
LESSONS ?=
class-load: setup  ## a lab on this machine: STUDENTS kernels at once on each lesson (LESSONS="03 07"); build/class-load.md
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/class_load.py --students $(STUDENTS) $(if $(LESSONS),--lessons $(LESSONS))
