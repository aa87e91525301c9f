# The ReLU course: build the book, run the tests, serve the site, time the reference.
# `make` alone lists the targets. Everything is installed into .venv, nowhere else.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3.11
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
SITE := _build/html
# Every install is held to the lock, so every machine gets the same versions of everything.
PIP_INSTALL := $(PY) -m pip install --quiet -c constraints.txt

.PHONY: help book test serve bench lock clean distclean

help: ## list the targets
	@echo "Usage: make TARGET"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when a requirement file, the lock or the reference's metadata changes.
$(VENV)/.book-installed: requirements.txt constraints.txt reference/pyproject.toml | $(PY)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.book-installed
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

# The execution cache is keyed on each page's code alone: when relu_reference or an installed package
# changes, the pages must run again, so the cache is dropped.
_build/.cache-checked: $(VENV)/.book-installed $(shell find reference/src -name '*.py' 2>/dev/null)
	rm -rf _build/.jupyter_cache
	mkdir -p _build
	touch $@

# --all: an incremental Sphinx build re-reads only changed pages, so a warning in an unchanged page would
# pass silently the second time. Executed notebooks still come from the cache (_build/.jupyter_cache).
book: $(VENV)/.book-installed _build/.cache-checked ## build the website into _build/html (warnings are errors)
	$(VENV)/bin/jupyter-book build . --all --warningiserror --nitpick --keep-going
	@echo "The book is at $(CURDIR)/$(SITE)/index.html (or run: make serve)"

test: $(VENV)/.dev-installed book ## build the book, then run every test (pytest.ini says which)
	$(PY) -m pytest

serve: ## serve the built site on http://127.0.0.1:8000/ (PORT=8001 for another port)
	@test -f $(SITE)/index.html || { echo "No built site: run make book first" >&2; exit 1; }
	@echo "Serving $(SITE) at http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory $(SITE) $(PORT)

bench: $(VENV)/.book-installed ## time the reference's activations against a plain memory copy
	$(PY) benchmarks/run.py

# The lock is made in a throwaway venv from requirements-dev.txt (a superset of requirements.txt).
# Local version labels (torch's "+cpu") are dropped: "==2.13.0" still matches the local CPU wheel,
# and a label would make the lock unresolvable from PyPI alone.
lock: ## regenerate constraints.txt from the requirement files
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet -r requirements-dev.txt; \
	{ echo "# The full lock: every package that requirements-dev.txt pulls in, at one exact version."; \
	  echo "# The Makefile installs with -c constraints.txt. Regenerate with: make lock"; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable | sed -E 's/\+[A-Za-z0-9.]+$$//'; \
	} > "$$tmp/constraints.txt"; \
	mv "$$tmp/constraints.txt" constraints.txt
	@echo "constraints.txt regenerated; review the diff before committing"

clean: ## remove the built site and the caches (keeps .venv)
	rm -rf _build .pytest_cache .hypothesis .coverage .coverage.* htmlcov benchmarks/results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove .venv
	rm -rf $(VENV)

# --- The instructor's grading workflow ---------------------------------------------------------------
# Each target is `python -m grading COMMAND` (see grading/ and the README's "For instructors"), a thin
# layer over nbgrader's own step of the same name; nbgrader's commands keep working directly, with the
# same settings from nbgrader_config.py. COURSE_DIR=path grades a course directory elsewhere;
# TIMEOUT=seconds changes the time limit of each cell for one `make autograde`, NOTEBOOK_TIMEOUT=seconds
# that of a whole notebook, JOBS=n the number of students graded at once (default: one per core);
# REGRADE=1 grades again what was graded already; UNSANDBOXED=1 accepts grading without the sandbox where
# the machine cannot provide it (students' code then runs as you); SHARD=k/n grades the k-th of n shares
# of the students, for n machines grading into one gradebook (README, "Grading on several machines").
COURSE_DIR ?= .
GRADING := $(PY) -m grading --course-dir $(COURSE_DIR)

.PHONY: assignments autograde feedback grades report

assignments: $(VENV)/.book-installed ## generate the student versions in exercises/ from solutions/
	$(GRADING) assignments

autograde: $(VENV)/.book-installed ## grade everything in submitted/<student>/<assignment>/ (TIMEOUT=s JOBS=n)
	$(GRADING) autograde $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(NOTEBOOK_TIMEOUT),--notebook-timeout \
		$(NOTEBOOK_TIMEOUT)) $(if $(JOBS),--jobs $(JOBS)) $(if $(REGRADE),--regrade) \
		$(if $(UNSANDBOXED),--unsandboxed) $(if $(SHARD),--shard $(SHARD))

feedback: $(VENV)/.book-installed ## write feedback/<student>/<assignment>/*.html from the grading
	$(GRADING) feedback

grades: $(VENV)/.book-installed ## export every student's score on every assignment to grades.csv
	$(GRADING) grades $(if $(GRADES),--output $(GRADES))

report: $(VENV)/.book-installed ## write grading_report.html: scores, test pass rates, who needs a look
	$(GRADING) report $(if $(REPORT),--output $(REPORT))
