# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

# Debian packages: what the app needs to run (WeasyPrint's libraries, a font), and what the
# tests need on top (Chromium for the browser tests, poppler-utils for PDFs, graphviz for
# the state diagram, zbar-tools to read the QR codes of printed forms).
RUN_DEBS  := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils graphviz zbar-tools clamav-daemon

.PHONY: run test lint format diagram bench-small backup restore system-deps-run system-deps-test clean

$(BIN)/python:
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || scripts/system-deps.sh python3-venv
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(PIP) install -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

system-deps-run:
	@scripts/system-deps.sh $(RUN_DEBS)

system-deps-test:
	@scripts/system-deps.sh $(TEST_DEBS)

## make run: install, migrate, load the demo data, print the logins, serve on 127.0.0.1:8000
run: system-deps-run $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	@$(BIN)/python manage.py collectstatic --noinput -v0
	@DJANGO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend $(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The tests that type dates (the steps and their rules, sessions, orders, letters, the registry
# outbox), run again by `make test` with the clock two years ahead. Chosen to stay near a minute on
# SQLite; the page tests (cases/tests/test_views.py and the other test_views) are left to the
# whole suite, shifted by hand: CLOCK_SHIFT_DAYS=730 .venv/bin/pytest -q.
CLOCK_AHEAD_TESTS := shared/test_clock.py shared/test_daterules.py \
  cases/tests/test_transitions.py cases/tests/test_rules.py \
  committees/tests/test_services.py committees/tests/test_national.py \
  enforcement/tests/test_services.py enforcement/tests/test_views.py \
  letters/tests/test_lifecycle.py letters/tests/test_order_letters.py najva/tests/test_outbox.py

## make test: install what the tests need, run ruff and the whole pytest suite
test: system-deps-test $(VENV)/.dev lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	# The deployment checks with the production settings (a throwaway key, HTTPS cookies).
	DJANGO_SECRET_KEY=deploy-check-$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))") \
	  DJANGO_DEBUG=false DJANGO_SECURE_COOKIES=true DJANGO_ALLOWED_HOSTS=revocation.example.ir \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; exit 1; fi; \
	exit $$status
	# Again two years ahead (shared.clock reads CLOCK_SHIFT_DAYS), over the tests that type
	# dates: a date written into a test as a fixed day, that will one day be in the past or change
	# the Solar Hijri year, fails here now rather than in CI on that day. A subset, to stay fast;
	# the whole suite passes shifted too (run it by hand after a change to dates).
	CLOCK_SHIFT_DAYS=730 $(BIN)/pytest -q -p no:cacheprovider -m "not browser and not postgres and not redis" $(CLOCK_AHEAD_TESTS)

## make bench-small: the bench scripts on a few thousand persons (CI runs it; docs/performance.md).
## BENCH_DATABASE_URL names a PostgreSQL database the generator may drop and recreate.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/revocation_bench_ci
bench-small: $(VENV)/.dev
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/generate.py --persons 3000 --reset
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/pages.py --repeat 3
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/committees.py --repeat 3
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/load.py --seconds 2
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/najva.py --cancellations 40 --down 5

## make backup: the database and the stored files, with a manifest of hashes (TO=dir to choose
## where; default var/backups/<UTC time>). On PostgreSQL run it with the owner's DATABASE_URL.
backup: $(VENV)/.runtime
	$(BIN)/python manage.py backup $(if $(TO),--to $(TO))

## make restore FROM=dir: into the empty database of DATABASE_URL and empty file directories;
## then manage.py verify_audit checks the restored audit trail.
restore: $(VENV)/.runtime
	@test -n "$(FROM)" || { echo "usage: make restore FROM=var/backups/<time>" >&2; exit 2; }
	$(BIN)/python manage.py restore --from $(FROM)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make diagram: the state diagram of README.md, docs/state-diagram.dot and docs/state-diagram.svg
diagram: $(VENV)/.dev
	$(BIN)/python manage.py graph_transitions cases.Case > docs/state-diagram.dot
	dot -Tsvg docs/state-diagram.dot -o docs/state-diagram.svg
	$(BIN)/python scripts/readme_diagram.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
