# BioCampus: `make run` serves the demo campus, `make test` is what CI runs (.ci/run).
# Both work on a fresh Debian 12 machine: they build what they need and nothing more.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PGBIN := /usr/lib/postgresql/15/bin

# One stamp for the whole install: pip runs again only when pyproject.toml changes, so a second
# `make run` starts in seconds. It installs the test and bench extras too, so `make run`, `make test` and
# `make bench` share one stamp that cannot disagree with itself (the bench smoke test runs the peers).
STAMP := $(VENV)/.installed

# The system packages come from Debian (playwright cannot download its own browser here).
# They are file targets: nothing runs, not even apt-get update, where they are installed already.
CHROMIUM := /usr/bin/chromium
INITDB := $(PGBIN)/initdb
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
apt_install = apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(1)

# gunicorn's control socket defaults to one path in $HOME for every gunicorn on the machine: two
# `make run` on different ports (the acceptance checks start several) would take it from each other.
GUNICORN_FLAGS := --no-control-socket

.PHONY: run test lint e2e screenshots clean

run: $(STAMP)
	$(BIN)/biocampus migrate --noinput
	$(BIN)/biocampus load_demo --if-empty
	@# After an upgrade that added a KPI rollup: rebuild the campuses it made stale (none: one query).
	$(BIN)/biocampus rebuild_rollups --stale
	@echo
	@echo "  BioCampus demo campus: http://127.0.0.1:$(PORT)/"
	@echo "  Log in as demo / demo (demo database only)."
	@echo
	@# One background worker beside the web server: it delivers webhooks and runs queued imports.
	@# The trap stops it when gunicorn stops (Ctrl-C, or the process group being ended).
	$(BIN)/biocampus db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile - $(GUNICORN_FLAGS)

# The whole suite runs twice, because SQLite (the default) and PostgreSQL (real deployments)
# disagree on things the ORM does not hide: locking, NUL bytes, collation, sequences.
# Any non-zero pytest status fails make, including 5 ("no tests collected").
test: $(STAMP) $(CHROMIUM) $(INITDB)
	$(BIN)/ruff check .
	$(BIN)/biocampus makemigrations --check --dry-run
	$(BIN)/pytest
	scripts/with-postgres.sh $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

e2e: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -m e2e tests/e2e

# The README's picture, docs/img/directory.png. It needs a CJK font: the directory shows Chinese names,
# which come out as empty boxes without one.
screenshots: $(STAMP) $(CHROMIUM) $(CJK_FONT)
	BIOCAMPUS_SCREENSHOTS=1 $(BIN)/pytest -m e2e tests/e2e

# var/ is kept: it holds the local database and the generated secret key, which are data, not build output.
clean:
	rm -rf $(VENV) test-results .pytest_cache .ruff_cache build *.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -e '.[test,bench]'
	touch $@

$(CHROMIUM):
	$(call apt_install,chromium)

$(INITDB):
	$(call apt_install,postgresql-15)

$(CJK_FONT):
	$(call apt_install,fonts-wqy-zenhei)

# Benchmarks (issue 6): BioCampus beside its peers on a generated data set, results in docs/benchmarks.md.
# `make bench` is a quick run (10,000 organisations); `make bench BENCH_ORGS=1000000` is the full size.
# Measurements, not tests: nothing fails on a slow number; see docs/benchmarks.md.
BENCH_ORGS ?= 10000
BENCH_FLAGS ?= --write docs/benchmarks.md
WRK := /usr/bin/wrk

.PHONY: bench bench-pg

bench: $(STAMP) $(WRK)
	$(BIN)/python -m bench.run --orgs $(BENCH_ORGS) $(BENCH_FLAGS)

# P1, P3 and P4 again on a throwaway PostgreSQL, the same data generated into it.
bench-pg: $(STAMP) $(WRK) $(INITDB)
	scripts/with-postgres.sh $(BIN)/python -m bench.run --orgs $(BENCH_ORGS) --database postgres $(BENCH_FLAGS)

$(WRK):
	$(call apt_install,wrk)
