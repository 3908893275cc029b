# Two commands do all set-up on a fresh clone: `make lab` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
NBVAL  := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300
JOBS   ?= 2

.PHONY: lab reset lint test test-unit test-notebooks test-browser notebooks html bench clean site serve-site test-site editions

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "nnlab needs Python >= 3.10")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.lab: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[lab]'
	@touch $@

$(VENV)/.test: pyproject.toml | $(PY)
	$(PIP) install --quiet -e '.[test,lab]'
	@touch $@ $(VENV)/.lab

## make lab: install what the course needs, make your working copy of the notebooks in work/
## (first run; git ignores it), start JupyterLab on it (127.0.0.1, token on) and print, last, the
## address of 00_start_here.ipynb
lab: $(VENV)/.lab
	@$(PY) tools/lab.py

## make reset NB=02: put work/'s copy of one notebook back as the course ships it
reset: | $(PY)
	@$(PY) tools/lab.py reset "$(NB)"

## make test: the linter, the unit tests, then every notebook under strict nbval (each executed once)
test: lint test-unit test-notebooks

## make lint: ruff over the code, the tests, the notebook sources and the benchmarks (pyproject.toml)
lint: $(VENV)/.test
	$(VENV)/bin/ruff check nnlab tests notebooks benchmarks

test-unit: $(VENV)/.test
	$(PY) -m pytest -q -n $(JOBS) tests --ignore=tests/browser

test-notebooks: $(VENV)/.test editions
	$(PY) -m pytest -q -n $(JOBS) --dist loadfile $(NBVAL) notebooks dist/student dist/instructor

## make test-browser: every notebook run in JupyterLab in headless Chromium (screenshots in artefacts/)
test-browser: $(VENV)/.test
	@bash tests/browser/ensure_chromium.sh
	$(PY) -m pytest -q -p no:xdist tests/browser

## make notebooks: rebuild every notebook from notebooks/src, execute it, strip varying metadata
notebooks: $(VENV)/.test
	$(PY) notebooks/build.py

## make html: static HTML of every executed notebook into html/ (offline: pictures and controls of
## each explorer, MathJax bundled)
html: $(VENV)/.test
	$(PY) -m nnlab.export html

## make bench: run the benchmarks (figures go to benchmarks/README.md by hand)
bench: $(VENV)/.test
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) artefacts html .hypothesis site dist

## make site: the whole course as a JupyterLite site in site/ (offline: Pyodide and every wheel inside)
site: $(VENV)/.test $(VENV)/.site
	$(PY) tools/site/build.py

$(VENV)/.site: pyproject.toml | $(VENV)/.test
	$(PIP) install --quiet -e '.[site]'
	@touch $@

## make serve-site: serve site/ on 127.0.0.1 and print the address of notebook 00
serve-site: | $(PY)
	$(PY) tools/site/serve.py

## make test-site: build the site, serve it, run every notebook in headless Chromium, other origins blocked
test-site: site
	@bash tests/browser/ensure_chromium.sh
	NNLAB_SITE_TEST=1 $(PY) -m pytest -q -p no:xdist tests/site

## make editions: dist/student/ (no solutions) and dist/instructor/ (solutions shown) of every notebook
editions: $(VENV)/.test
	$(PY) -m nnlab.editions build --jobs $(JOBS)
