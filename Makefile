# Everything a person runs. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run setup test install install-dev migrate messages demo lint format bench bench-provision bench-tools browser clean guide

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The Vietnamese admin catalogue (locale/vi) is compiled here; `msgfmt` comes with gettext.
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/vi/LC_MESSAGES/*.po))

locale/vi/LC_MESSAGES/%.mo: locale/vi/LC_MESSAGES/%.po
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	msgfmt --check -o $@ $<

messages: $(MESSAGES)

migrate: install messages
	@mkdir -p var
	$(PY) manage.py migrate --noinput

# Demo data is loaded once; var/.demo-loaded marks it (delete the file to reload).
var/.demo-loaded:
	SITE_PORT=$(PORT) $(PY) manage.py seed_demo
	touch $@

setup: migrate var/.demo-loaded

run: setup
	@echo ""
	@echo "  Cổng thông tin:    http://localhost:$(PORT)/"
	@echo "  Xã Động Đạt:       http://dongdat.thainguyen.localhost:$(PORT)/"
	@echo "  Quản trị:          http://localhost:$(PORT)/admin/"
	@echo "  Tài khoản demo:    $(PY) manage.py seed_demo --logins"
	@echo ""
	SITE_PORT=$(PORT) $(PY) manage.py runserver 0.0.0.0:$(PORT)

# The browser tests use the system Chromium; install it when missing (Debian package).
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium) || \
		echo "Chưa cài được Chromium: các bài kiểm thử trình duyệt sẽ bị bỏ qua (trừ khi REQUIRE_BROWSER=1)."

test: install-dev browser messages
	$(PY) manage.py makemigrations --check --dry-run --settings=cms.settings.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The guides' screenshots (docs/huong-dan/) and the trainee guide's PDF (docs/huong-dan-hoc-vien.pdf), made in
# Chromium from a fresh demo install in a temp folder (officer tasks, then a one-seat workshop's trainee tasks).
guide: install-dev browser
	$(PY) docs/guide/build.py

# The load test (bench/load.py) drives gunicorn with wrk and serves its reference page with nginx (Debian packages).
bench-tools:
	@(command -v wrk >/dev/null && command -v nginx >/dev/null) || \
		(apt-get update -qq && apt-get install -y -qq wrk nginx) || \
		echo "Chưa cài được wrk và nginx: phép đo tải sẽ dừng với thông báo lỗi."

bench: install-dev bench-tools
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var/db.sqlite3* var/media var/.demo-loaded
