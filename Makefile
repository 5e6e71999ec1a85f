# The dev loop. `make help` lists the targets; CI runs `make test` (see .ci/run).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
DOCS_OUT := docs/_build
export PYO3_PYTHON := $(abspath $(VPY))

.DEFAULT_GOAL := all

.PHONY: help all venv develop fmt lint test test-rust test-python docs bench bench-batch wheel fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

all: fmt develop lint test-rust test-python ## format, build, lint and test

$(VENV)/.installed: requirements-test.txt requirements-bench.txt requirements-docs.txt
	$(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r requirements-test.txt -r requirements-bench.txt -r requirements-docs.txt
	touch $@

venv: $(VENV)/.installed ## create .venv with the test, benchmark and docs tools

develop: venv ## build the extension (release) into .venv
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --release --quiet

fmt: venv ## format Rust and Python sources
	cargo fmt
	$(VENV)/bin/ruff format python tests benchmarks docs
	$(VENV)/bin/ruff check --fix python tests benchmarks docs

lint: venv ## rustfmt, clippy (with and without Python) and ruff, all as errors
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	$(VENV)/bin/ruff format --check python tests benchmarks docs
	$(VENV)/bin/ruff check python tests benchmarks docs

test-rust: ## cargo tests of the core: unit, doc and property tests (no Python needed)
	cargo test --release

test-python: develop ## pytest against the installed extension
	$(VENV)/bin/pytest

test: venv develop lint test-rust test-python docs ## everything CI runs

# Reads the sources and the .pyi stub without importing the extension, so it needs no build;
# offline (no intersphinx); -W: any warning fails the build.
docs: venv ## build the documentation site into docs/_build/html (warnings are errors)
	rm -rf $(DOCS_OUT)
	$(VENV)/bin/sphinx-build -W --keep-going -q -b html -d $(DOCS_OUT)/doctrees docs $(DOCS_OUT)/html
	@echo "docs: open $(DOCS_OUT)/html/index.html"

bench: develop ## compare with the peers (prints the README tables)
	$(VPY) benchmarks/compare.py
	$(VPY) benchmarks/batch.py

bench-batch: develop ## levenshtein_batch against cpdist, 1,000,000 pairs, memory
	$(VPY) benchmarks/batch.py

fuzz: ## fuzz the dispatching entry point against the reference (needs cargo-fuzz; 5 minutes)
	cd fuzz && cargo fuzz run dispatch -s none -- -max_total_time=300

wheel: venv ## build a release wheel into dist/
	$(VENV)/bin/maturin build --release --out dist

clean: ## remove build outputs and .venv
	cargo clean
	rm -rf $(VENV) dist $(DOCS_OUT) docs/api
