# Moments — the two commands a new user types are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.moments-installed

.PHONY: run test setup setup-test sysdeps sysdeps-test lint format bench package install-desktop \
	uninstall-desktop clean

## run: install what is missing, then open the player (on the demo film unless ARGS names a file)
run: setup
	$(BIN)/moments $(ARGS)

## test: install what is missing, then lint, type-check and run the whole suite under Xvfb
test: setup-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: sysdeps $(STAMP)
setup-test: sysdeps-test $(STAMP)

sysdeps:
	@bash packaging/sysdeps.sh run
sysdeps-test:
	@bash packaging/sysdeps.sh test

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Moments needs Python 3.11 or newer; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

## lint: ruff, formatting, mypy on the whole package, import contracts
lint: $(STAMP)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench

## bench: benchmarks, each printing ratios against a bare ffmpeg / raw libVLC baseline
bench: setup-test
	@if [ -n "$$DISPLAY" ]; then $(BIN)/python -m bench $(BENCH_ARGS); \
	else xvfb-run -a -s "-screen 0 1280x800x24" $(BIN)/python -m bench $(BENCH_ARGS); fi

## install-desktop: add Moments (this venv's launcher) to your applications menu
install-desktop: setup
	$(BIN)/moments --install-desktop $(DESKTOP_ARGS)

uninstall-desktop:
	@test -x $(BIN)/moments || { echo "no $(BIN)/moments: nothing to uninstall with"; exit 1; }
	$(BIN)/moments --uninstall-desktop

## package: a one-folder bundle in dist/moments/ (PyInstaller; uses the system libVLC and ffmpeg)
package: setup
	nice -n 10 $(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/moments.spec
	@du -sh dist/moments

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
