# Two commands for a fresh machine with Python 3.11 and make:
#   make demo   set up, then run the baseline scenario end to end
#   make test   set up, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_OUT ?= results/baseline

.PHONY: setup demo test bench compiled clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sim validate scenarios/*.yaml
	$(BIN)/sim show scenarios/baseline.yaml --figure $(DEMO_OUT)-network.png
	$(BIN)/sim run scenarios/baseline.yaml -n 20 --seed 2024 --out $(DEMO_OUT) --force
	$(BIN)/sim report $(DEMO_OUT)

# two test processes (pytest-xdist): CI's machine has 2 cores; the suite takes about 6 to 8
# minutes on a fast 2-core machine, up to about 20 on one three times slower
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py

# Optional: the same package with the simulation's hot path compiled by mypyc (needs a C
# compiler and the Python headers; about a minute), in an environment of its own so that
# .venv stays the plain-Python reference the tests run: .venv-compiled/bin/sim run ...
# benchmarks/bench_compiled.py checks that both give identical results and times them.
# The benchmark extra (SupplyNetPy, psutil) comes too, so every benchmark runs with it.
CVENV := .venv-compiled
CSTAMP := $(CVENV)/.installed-stamp

compiled: $(CSTAMP)

$(CSTAMP): pyproject.toml setup.py $(shell find sim -name '*.py')
	$(PYTHON) -m venv $(CVENV)
	$(CVENV)/bin/python -m pip install --quiet setuptools wheel 'mypy>=2.4' '.[benchmark]'
	SIM_COMPILE=1 $(CVENV)/bin/python -m pip install --quiet --no-build-isolation --no-deps \
		--force-reinstall .
	touch $(CSTAMP)

clean:
	rm -rf $(VENV) $(CVENV) build results .pytest_cache .mypy_cache *.egg-info
