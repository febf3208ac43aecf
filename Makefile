# Two commands do all set-up on a fresh machine:
#   make lab    install what the lessons and labs need and open the course in JupyterLab
#   make test   install that plus the test and instructor tools, and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
LAB_STAMP = $(VENV)/.installed-lab
PYTEST_ARGS ?= -n 2 --dist loadfile
# extra options for `jupyter lab`, e.g. LAB_ARGS="--no-browser --port=8889"
LAB_ARGS ?=
START   = notebooks/00_start_here.ipynb
# JupyterLab refuses to run as root unless told; Docker and WSL often are root
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
# exit status 0 when the interpreter is new enough and can make venvs
PY_OK   = import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))
START_OVER = make clean && make lab PYTHON=python3.12

.PHONY: lab test run bench labs lint clean FORCE

# A venv made by an unusable Python (macOS's 3.9, say) is rebuilt, not reused.
VENV_BROKEN := $(if $(wildcard $(VENV)),$(shell $(BIN)/python -c '$(PY_OK)' 2>/dev/null || echo yes))

# First of all: is $(PYTHON) new enough? Then a venv with only what the lessons and labs need.
$(LAB_STAMP): pyproject.toml $(if $(VENV_BROKEN),FORCE)
	@$(PYTHON) -c '$(PY_OK)' 2>/dev/null || { \
	  echo "authlab needs Python 3.11 or newer with venv; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
	  echo "Install one (macOS: brew install python@3.12; Debian/Ubuntu/WSL: apt install python3-venv)"; \
	  echo "and start over with it: $(START_OVER)"; exit 1; } >&2
	$(if $(VENV_BROKEN),@echo "$(VENV) was made by an unusable Python: removing it."; rm -rf $(VENV))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e . || { echo "pip failed (see above). Start over: $(START_OVER)" >&2; exit 1; }
	touch $(LAB_STAMP)

$(STAMP): $(LAB_STAMP)
	$(BIN)/pip install --quiet -e ".[test,instructor]" || { echo "pip failed (see above). Start over: $(START_OVER)" >&2; exit 1; }
	touch $(STAMP)

# rooted at the repository so labs/ opens too; the browser and the printed URL go to the start notebook
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/$(START) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/ruff check authlab tests
	$(BIN)/pytest $(PYTEST_ARGS)

run: $(LAB_STAMP)
	$(BIN)/authlab run

bench: $(LAB_STAMP)
	$(BIN)/authlab bench

lint: $(STAMP)
	$(BIN)/ruff check authlab tests

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

labs: $(STAMP)
	$(BIN)/authlab labs

.PHONY: bench-grade
bench-grade: $(STAMP)
	$(BIN)/authlab grade --lab lab1 --bench
