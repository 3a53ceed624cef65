# BeeFeed: `make run` serves the demo, `make test` runs the whole suite.
# Needs only Python 3.10+ (and make). Everything else goes into .venv.

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3.10 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: run test venv deps dev-deps messages clean

# The settings default DEBUG to off, so that a production host that lost its environment never
# serves tracebacks; the embedded demo and the tests turn it on here, explicitly.
export DEBUG := 1

run: deps
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo
	@echo "BeeFeed is at http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: dev-deps
	$(PY) -m pytest

$(PY):
	@test -n "$(PYTHON)" || { echo "BeeFeed needs Python 3.10 or newer: none was found on PATH (install python3.10+ and run make again)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

venv: $(PY)

# Reinstall only when the pinned requirements change.
$(VENV)/.deps: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	@touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	@touch $@ $(VENV)/.deps

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

# Regenerate the catalogs after changing a user-facing string (needs GNU gettext).
messages: deps
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location -i ".venv/*" -i "bench/*"
	$(PY) manage.py compilemessages -l zh_Hans -i .venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
