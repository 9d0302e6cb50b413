# zhicheng — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
UV = $(shell scripts/uv.sh)
PG_URL ?= postgres://postgres@127.0.0.1:5432/zhicheng
DEV_ENV = DEBUG=1
REPORTS = var/test-reports

.PHONY: run test lint test-sqlite test-postgres install install-test demo bench check clean prod-smoke

# A local checkout gets a .env with DEBUG=1 (git ignores it), so plain `manage.py` commands work here;
# production never runs make and keeps the safe defaults.
.env:
	printf 'DEBUG=1\n' > .env

# The platform's runtime packages and the `demo` group (the demo's identity provider, demo_idp; not the platform's).
install: .env
	scripts/apt-deps.sh --runtime
	$(UV) sync --frozen --no-dev --group demo

install-test: .env
	scripts/apt-deps.sh
	$(UV) sync --frozen

demo: install
	$(DEV_ENV) $(UV) run --no-dev python manage.py migrate --no-input -v0
	$(DEV_ENV) $(UV) run --no-dev python manage.py seed_demo
	$(DEV_ENV) $(UV) run --no-dev python manage.py certificate_demo_key

run: demo
	$(DEV_ENV) scripts/serve.sh $(UV)

# The code's shape: ruff (pyproject's [tool.ruff]) and the import layers (pyproject's [tool.importlinter]:
# core <- orgs <- accounts <- dossier <- review <- applications <- zhicheng, no app importing the tests).
lint: install-test
	$(UV) run ruff check .
	$(UV) run lint-imports

# The lint, then the whole suite on SQLite, then on PostgreSQL; browser tests run with the captcha switched off.
test: lint
	scripts/ensure-postgres.sh
	rm -rf $(REPORTS) && mkdir -p $(REPORTS)
	$(DEV_ENV) $(UV) run python manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory prod-smoke
	@$(UV) run python scripts/test-summary.py $(REPORTS)/*.xml

test-sqlite:
	$(DEV_ENV) SQLITE_TEST_NAME=var/test.sqlite3 $(UV) run pytest -q -p no:cacheprovider --ignore=tests/e2e --junitxml=$(REPORTS)/sqlite.xml
	$(DEV_ENV) CAPTCHA_DISABLED=1 DJANGO_ALLOW_ASYNC_UNSAFE=true SQLITE_TEST_NAME=var/test-e2e.sqlite3 $(UV) run pytest -q -p no:cacheprovider tests/e2e --junitxml=$(REPORTS)/sqlite-e2e.xml

test-postgres:
	$(DEV_ENV) DATABASE_URL=$(PG_URL) $(UV) run pytest -q -p no:cacheprovider --ignore=tests/e2e --junitxml=$(REPORTS)/postgres.xml
	$(DEV_ENV) DATABASE_URL=$(PG_URL) CAPTCHA_DISABLED=1 DJANGO_ALLOW_ASYNC_UNSAFE=true $(UV) run pytest -q -p no:cacheprovider tests/e2e --junitxml=$(REPORTS)/postgres-e2e.xml

# The production stack of docs/deploy.md on loopback (nginx with a throwaway certificate, two gunicorn instances,
# a task worker, PostgreSQL database zc_prod_smoke, Redis, moto as S3) and a journey through it; torn down after.
prod-smoke: install-test
	scripts/ensure-postgres.sh
	$(UV) run python scripts/prod_smoke.py

# Throughput of the applicant's list page against a floor view (README › Benchmarks). The data is generated
# once and kept under var/bench (SQLite) or in zc_bench (PostgreSQL): `make bench SCALE=10`,
# `make bench BENCH_DB=postgres`, or a URL given as `make bench DATABASE_URL=postgres://…/zc_bench`.
SCALE ?= 1
BENCH_DB ?= sqlite
BENCH_DATABASE = $(if $(filter command line,$(origin DATABASE_URL)),$(DATABASE_URL),$(BENCH_DB))
bench:
	scripts/apt-deps.sh --runtime
	$(UV) sync --frozen
	@case "$(BENCH_DATABASE)" in sqlite*) ;; *) scripts/ensure-postgres.sh ;; esac
	$(UV) run python -m bench --scale $(SCALE) --db "$(BENCH_DATABASE)" $(BENCH_ARGS)
	DEBUG=1 $(UV) run python -m bench.imports --db sqlite
	DEBUG=1 $(UV) run python -m bench.imports --db postgres
	DEBUG=1 $(UV) run python -m bench.pdf
	DEBUG=1 $(UV) run python -m bench.lookup --db $(if $(filter sqlite%,$(BENCH_DATABASE)),sqlite,postgres) --scale $(SCALE)

check: install-test
	$(DEV_ENV) $(UV) run python manage.py check
	DEBUG=0 SECRET_KEY=check-deploy-$$RANDOM$$RANDOM$$RANDOM$$RANDOM-not-a-real-key-0123456789abcdef ALLOWED_HOSTS=zhicheng.example.cn SMS_BACKEND=accounts.sms.ConsoleRefusingBackend PERSONAL_DATA_KEYS=check:Y2hlY2stZGVwbG95LW9ubHktcGVyc29uYWwta2V5MzI= PERSONAL_DATA_INDEX_KEY=Y2hlY2stZGVwbG95LW9ubHktYmxpbmQtaW5kZXgtMzI= $(UV) run python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf var db.sqlite3 .tools

# Fault drills (docs/drills.md): each bounded in time and followed by a "nothing lost" check; one CSV row per drill
# appended to var/drills/drills.csv.
.PHONY: drills
drills:
	scripts/ensure-postgres.sh
	$(DEV_ENV) $(UV) run python -m bench.drills

# The deadline evening (docs/deploy.md › Load): the prod-smoke stack on a copy of the 300,000-applicant province
# (kept in the database zc_load_data, generated when missing), a step ramp with one and two app instances, then 70 %
# of the knee held for HOLD seconds, the floor view, "nothing lost"; one CSV row per run in var/bench-load/load.csv.
HOLD ?= 600
.PHONY: bench-load
bench-load: install-test
	scripts/ensure-postgres.sh
	$(UV) run python scripts/prod_load.py --hold $(HOLD) $(LOAD_ARGS)
