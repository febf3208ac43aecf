# Two commands do all set-up on a fresh machine:
#   make lab    install everything and open the course in JupyterLab
#   make test   install everything and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: lab test run bench labs lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,instructor]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/ruff check authlab tests
	$(BIN)/pytest $(PYTEST_ARGS)

run: $(STAMP)
	$(BIN)/authlab run

bench: $(STAMP)
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
