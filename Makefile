# The two commands a new machine needs: `make pdf` (sets up .venv, exports seeds/) and `make test`.
VAULT ?= seeds
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXPORTER := $(BIN)/exporter
STAMP := $(VENV)/.installed

.PHONY: pdf epub latex html test lint install clean

pdf: $(STAMP)
	$(EXPORTER) pdf $(VAULT)

epub: $(STAMP)
	$(EXPORTER) epub $(VAULT)

latex: $(STAMP)
	$(EXPORTER) latex $(VAULT) $(if $(shell command -v latexmk),--compile,)

html: $(STAMP)
	$(EXPORTER) html $(VAULT)

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check exporter filters tests

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build .pytest_cache
