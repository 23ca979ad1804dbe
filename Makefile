# casekit — two commands for a new user:
#   make demo   set everything up, then build every region's report of the sample bundle
#   make test   set everything up, then run the whole suite (pytest + nbval)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BUNDLE ?= research_data/sample
OUT ?= reports

.PHONY: demo test setup fonts sample bench clean

setup: $(VENV)/.installed fonts

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "casekit needs Python >= 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

# A CJK font for matplotlib charts (Debian's fonts-wqy-microhei, 1.6 MB).
fonts:
	@if fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk|noto serif cjk|source han'; then \
	    echo "CJK font: present"; \
	else \
	    echo "CJK font: installing fonts-wqy-microhei"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-wqy-microhei fontconfig >/dev/null; \
	fi
	@$(BIN)/python -c 'from casekit.reports.fonts import ensure_cjk_font; print("matplotlib CJK font:", ensure_cjk_font())'

demo: setup
	$(BIN)/casekit build $(BUNDLE) --out $(OUT)

test: setup
	$(BIN)/python -m pytest tests --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

sample: setup
	$(BIN)/casekit sample --out $(BUNDLE)

bench: setup
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf $(VENV) .pytest_cache
