# casekit — two commands for a new user:
#   make demo   set everything up, then build every region's report of the sample bundle (and,
#               the sample having a follow-up wave, the follow-up report of every trained region)
#   make test   set everything up, then run the whole suite (pytest + nbval)
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BUNDLE ?= research_data/sample
OUT ?= reports

.PHONY: demo test setup fonts tools sample bench notebooks clean lock

setup: $(VENV)/.installed fonts tools

# The packages are those of constraints.txt: the versions the suite was last run with (make lock).
$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "casekit needs Python >= 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@

# Re-resolve every dependency to its newest version allowed by pyproject.toml, in a scratch
# environment, and write the result to constraints.txt; then run `make test` before committing it.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet -e '.[test]'
	{ sed -n '/^#/p' constraints.txt; .venv-lock/bin/pip freeze --all --exclude-editable | grep -v '^pip=='; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .venv-lock

# A CJK font for matplotlib charts. Already usable (system font, or CASEKIT_CJK_FONT pointing at a
# .ttf/.ttc/.otf file): nothing to do. Otherwise install Debian's fonts-wqy-microhei (1.6 MB) with
# apt-get, as root or through non-interactive sudo; failing that, say what to do.
CHECK_FONT := $(BIN)/python -c 'import sys; from casekit.reports.fonts import check_cjk_font; sys.exit(check_cjk_font())'

fonts: $(VENV)/.installed
	@$(CHECK_FONT) 2>/dev/null || { \
	    if [ -n "$$CASEKIT_CJK_FONT" ]; then $(CHECK_FONT); exit 1; fi; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	    else echo "No CJK font found. Install one (Debian/Ubuntu: sudo apt-get install fonts-wqy-microhei)"; \
	         echo "or set CASEKIT_CJK_FONT=/path/to/a/cjk-font.ttf, then run make again."; exit 1; fi; \
	    if ! command -v apt-get >/dev/null; then \
	        echo "No CJK font and no apt-get: install a CJK font (WenQuanYi Micro Hei, Noto Sans CJK)"; \
	        echo "or set CASEKIT_CJK_FONT=/path/to/a/cjk-font.ttf, then run make again."; exit 1; fi; \
	    echo "Installing the CJK font fonts-wqy-microhei (apt-get)"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-wqy-microhei fontconfig >/dev/null \
	        && $(CHECK_FONT); \
	}

# What `casekit build --formats pdf` and the screenshot tests run: a headless Chromium (prints the
# report to PDF; CASEKIT_CHROMIUM may name another Chromium or Chrome) and poppler-utils (pdftotext,
# pdffonts, pdftoppm read the PDF back). All present: nothing to do. Otherwise install the missing
# Debian packages with apt-get, as root or through non-interactive sudo; failing that, say what to do.
# Debian calls the browser `chromium`; Ubuntu's `chromium-browser` is a snap stub that a container
# cannot run, so there install Google Chrome and set CASEKIT_CHROMIUM.
HAVE_BROWSER := { [ -n "$$CASEKIT_CHROMIUM" ] && command -v "$$CASEKIT_CHROMIUM"; } || command -v chromium || command -v chromium-browser || command -v google-chrome || command -v google-chrome-stable

tools:
	@missing=""; \
	{ $(HAVE_BROWSER); } >/dev/null 2>&1 || missing=" chromium"; \
	for t in pdftotext pdffonts pdftoppm; do command -v $$t >/dev/null || { missing="$$missing poppler-utils"; break; }; done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	else echo "Missing:$$missing (PDF reports and the screenshot tests need them)."; \
	     echo "Install them (Debian/Ubuntu: sudo apt-get install$$missing), or set CASEKIT_CHROMIUM=/path/to/chrome, then run make again."; exit 1; fi; \
	if ! command -v apt-get >/dev/null; then \
	    echo "Missing:$$missing and no apt-get: install Chromium (or Google Chrome, then set CASEKIT_CHROMIUM)"; \
	    echo "and poppler (pdftotext, pdffonts, pdftoppm), then run make again."; exit 1; fi; \
	echo "Installing$$missing (apt-get)"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    && { $(HAVE_BROWSER); } >/dev/null && command -v pdftotext pdffonts pdftoppm >/dev/null \
	    || { echo "Installing$$missing failed: install them by hand, then run make again."; exit 1; }

demo: setup
	$(BIN)/casekit demo --bundle $(BUNDLE) --out $(OUT)

# One pytest worker per core (pytest-xdist), each test file on one worker: a module's shared
# builds are made once, and the session fixtures once per worker.
test: setup
	$(BIN)/python -m pytest -n auto --dist loadfile tests --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

sample: setup
	$(BIN)/casekit sample --out $(BUNDLE)

bench: setup
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_xlsx_read.py
	$(BIN)/python benchmarks/bench_national.py
	$(BIN)/python benchmarks/bench_limits.py
	$(BIN)/python benchmarks/bench_formats.py
	$(BIN)/python benchmarks/bench_incremental.py
	$(BIN)/python benchmarks/bench_national_build.py
	$(BIN)/python benchmarks/bench_segment.py

# Re-run the phase notebooks in place after changing what they show (nbval checks the stored
# outputs); the live widgets' state and views (random model ids) are dropped from the stored
# notebook, so a re-run only changes what the data changed.
STRIP_WIDGETS := import nbformat, sys; p = sys.argv[1]; nb = nbformat.read(p, 4); nb.metadata.pop("widgets", None); [o.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None) for c in nb.cells for o in c.get("outputs", [])]; nbformat.write(nb, p)
notebooks: setup
	for nb in notebooks/[0-9]*.ipynb; do \
	    $(BIN)/jupyter nbconvert --to notebook --execute --inplace --log-level=WARN \
	        --ExecutePreprocessor.record_timing=False "$$nb" && $(BIN)/python -c '$(STRIP_WIDGETS)' "$$nb" || exit 1; \
	done

clean:
	rm -rf $(VENV) .pytest_cache
