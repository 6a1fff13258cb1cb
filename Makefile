# The two commands a new machine needs: `make pdf` (sets up .venv, exports seeds/) and `make test`.
VAULT ?= seeds
CHAPTERS ?= 1-2
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXPORTER := $(BIN)/exporter
STAMP := $(VENV)/.installed

.PHONY: pdf epub latex html handout proof bench test lint install wheel-check clean

pdf: $(STAMP)
	$(EXPORTER) pdf $(VAULT)

epub: $(STAMP)
	$(EXPORTER) epub $(VAULT)

latex: $(STAMP)
	$(EXPORTER) latex $(VAULT) $(if $(shell command -v latexmk),--compile,)

html: $(STAMP)
	$(EXPORTER) html $(VAULT)

# A reading-group handout of some chapters: CHAPTERS=3-4 make handout; BOOKLET=1 to fold.
handout: $(STAMP)
	$(EXPORTER) handout $(VAULT) $(if $(CHAPTERS),--chapters "$(CHAPTERS)",) $(if $(BOOKLET),--booklet,)

# Pages to look at: the first four of the seed's guide and its index, as PNGs (poppler-utils).
proof: $(STAMP)
	mkdir -p build/proof
	$(EXPORTER) pdf $(VAULT) -o build/proof/guide.pdf
	pdftoppm -png -r 70 -f 1 -l 4 build/proof/guide.pdf build/proof/first
	pages=$$(pdfinfo build/proof/guide.pdf | awk '/^Pages:/ {print $$2}'); \
	index=$$(for p in $$(seq 1 $$pages); do pdftotext -f $$p -l $$p build/proof/guide.pdf - \
	  | head -1 | grep -qx Index && echo $$p && break; done); \
	pdftoppm -png -r 70 -f $$index -l $$pages build/proof/guide.pdf build/proof/index
	@echo "look at build/proof/*.png"

# Exporter against plain pandoc and WeasyPrint, in one run (BENCHMARKS.md); a quick one:
# make bench BENCH_ARGS="--sizes 10,100".
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check exporter filters tests

install: $(STAMP)

# The wheel as a user gets it: built, installed into a clean virtual environment outside
# the checkout, and run from another folder on a copy of seeds/ in every format.
WHEEL_DIR := build/wheel
wheel-check: $(STAMP)
	rm -rf $(WHEEL_DIR) && mkdir -p $(WHEEL_DIR)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir $(WHEEL_DIR) .
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/pip" install --quiet $(WHEEL_DIR)/*.whl && \
	cp -r seeds "$$tmp/vault" && cd "$$tmp" && \
	venv/bin/exporter --version && \
	for fmt in pdf epub latex html; do venv/bin/exporter $$fmt vault -o "out/seed.$$fmt" -q || exit 1; done && \
	venv/bin/exporter handout vault -o out/handout.pdf -q && ls out

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build .pytest_cache
