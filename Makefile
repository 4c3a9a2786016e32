# Two commands for a fresh machine with Python 3.11 and make:
#   make demo   set up, then run the baseline scenario end to end
#   make test   set up, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_OUT ?= results/baseline

.PHONY: setup demo test bench clean

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
# minutes there
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) results .pytest_cache
