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

.PHONY: setup train test lint unit nbval lab bench execute html clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[notebooks,test]'
	touch $(STAMP)

train: setup  ## the main job; pass options with ARGS="--dataset mnist --epochs 5"
	$(BIN)/python -m d2lmini train $(ARGS)

test: lint unit nbval  ## lint, unit tests, then every notebook under nbval

lint: setup  ## ruff on the package, the tests and the benchmark
	$(BIN)/python -m ruff check $(wildcard d2lmini tests benchmarks docs)

unit: setup
	$(BIN)/python -m pytest tests -q

nbval: setup
	MPLBACKEND= $(BIN)/python -m pytest -q --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg \
		--nbval-cell-timeout=600 -p no:cacheprovider $(NB)

lab: setup
	$(BIN)/jupyter lab notebooks

bench: setup  ## classic torchvision DataLoader vs d2lmini's in-memory path, side by side
	$(BIN)/python benchmarks/bench.py

execute: setup  ## re-execute notebooks in place in a fresh kernel: make execute NB=notebooks/03_*.ipynb
	for nb in $(NB); do MPLBACKEND= $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.store_widget_state=False "$$nb" || exit 1; done

html: setup  ## the executed notebooks as static HTML pages in build/html
	$(BIN)/jupyter nbconvert --to html --output-dir build/html $(NOTEBOOKS)

clean:
	rm -rf build runs .pytest_cache
