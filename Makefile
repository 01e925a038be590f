# The two commands of the README: `make run` and `make test` (and `make lint`, `make lock`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: the runtime set (make run) and the test set on top of it (make test, make lint).
STAMP := $(VENV)/.installed-runtime
TEST_STAMP := $(VENV)/.installed-test
UV_VERSION := 0.13.9

.PHONY: run test lint lock lock-check chaos install migrate clean check-deploy messages drill web-assets

run: $(STAMP)
	$(BIN)/kelisim run

# The browser tests (tests/browser, marked browser) need Debian's chromium at /usr/bin/chromium
# (apt-get install chromium): without it they are skipped saying so, unless
# KELISIM_REQUIRE_BROWSER=1 (.ci/run sets it and installs the package) makes that a failure.
test: $(TEST_STAMP)
	$(BIN)/pytest

# ruff (rules in pyproject.toml's [tool.ruff]) over the tree; mypy ([tool.mypy]): --strict
# over kelisim/ and kelisim_platform/, and with every function typed and its body checked
# (not all of --strict) every service layer (services/*/service_layer, gateway/service_layer),
# the gateway's and the registry's domains and parts of the reports' and the notifications'
# domains ([tool.mypy] lists them); the other domain modules, the adapters and nameko are not
# checked, so calls into them are Any; and the import contracts ([tool.importlinter]: the
# core imports no component, the gateway only the services' contracts); .ci/run calls it
# before `make test`.
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The cluster shape under faults (tests marked chaos, minutes long; .ci/run calls it too):
# two replicas of every component on PostgreSQL, broker connections cut.
chaos: $(TEST_STAMP)
	KELISIM_CHAOS=1 $(BIN)/pytest -m chaos tests/faults

install: $(TEST_STAMP)

# The backup and restore drill alone (about a minute; `make test` runs it too).
drill: $(TEST_STAMP)
	$(BIN)/pytest -q -m drill tests/faults/test_restore_drill.py

# Installs come from the lock only: requirements/runtime.txt (pyproject.toml's dependencies)
# and requirements/test.txt (plus the `test` extra), every package pinned with its hashes.
# The project itself is then installed editable without dependencies.
# pyproject.toml too: a new top-level package or console script needs the editable install
# made again (its finder lists the packages; the `kelisim` script names its module).
$(STAMP): requirements/runtime.txt pyproject.toml | lock-check
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/runtime.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(MAKE) --no-print-directory web-assets
	touch $(STAMP)

# The web interface's scripts and styles (gateway/web/vendor/package-lock.json, from the npm
# registry; install scripts not run): served by the gateway itself, never from a CDN.
WEB_VENDOR := gateway/web/vendor
web-assets: $(WEB_VENDOR)/node_modules/.package-lock.json

$(WEB_VENDOR)/node_modules/.package-lock.json: $(WEB_VENDOR)/package-lock.json
	npm ci --prefix $(WEB_VENDOR) --ignore-scripts --no-audit --no-fund --loglevel=error

$(TEST_STAMP): $(STAMP) requirements/test.txt | lock-check
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.txt
	touch $(TEST_STAMP)

# Fails, saying to run `make lock`, when pyproject.toml asks for other dependencies than the
# lock was compiled from (requirements/inputs.py compares a digest, not file times).
lock-check:
	@$(PYTHON) requirements/inputs.py check

# After changing dependencies in pyproject.toml: `make lock`, then commit requirements/.
# Resolves the newest versions pyproject.toml allows (from PyPI, with uv), for every
# platform and Python it allows; the test set is constrained to the runtime set's versions.
# On a rebase conflict in requirements/*.txt take either side, then run `make lock` again.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -c "import uv" 2>/dev/null && [ "$$($(BIN)/uv --version | cut -d' ' -f2)" = "$(UV_VERSION)" ] \
		|| $(BIN)/pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --quiet --universal --generate-hashes \
		--custom-compile-command "make lock" -o requirements/runtime.txt
	$(BIN)/uv pip compile pyproject.toml --quiet --universal --generate-hashes --extra test \
		-c requirements/runtime.txt --custom-compile-command "make lock" -o requirements/test.txt
	$(PYTHON) requirements/inputs.py write

migrate: $(STAMP)
	$(BIN)/kelisim migrate

# deploy/ checked offline: promtool (Debian's prometheus), docker-compose v1 (Debian) for the
# compose file, kubernetes-validate (PyPI) for the manifests; `make test` runs the same
# tests, skipping the last two checks when those tools are missing.
check-deploy: $(TEST_STAMP)
	command -v promtool >/dev/null || apt-get install -y -qq prometheus
	command -v docker-compose >/dev/null || apt-get install -y -qq docker-compose
	$(BIN)/python -c "import kubernetes_validate" 2>/dev/null || $(BIN)/pip install --quiet kubernetes-validate
	$(BIN)/pytest -q tests/ops/test_prometheus_rules.py tests/ops/test_grafana_dashboards.py tests/ops/test_deploy_manifests.py

clean:
	rm -rf $(VENV) var .pytest_cache $(WEB_VENDOR)/node_modules

# Re-extract every _()/N_() text into kelisim/locale/messages.pot and merge it into the kk,
# ru and en catalogues (then translate the new empty entries; tests/unit/core/test_i18n.py
# fails while one is missing). The .po files are read as they are at run time.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k C_:1c,2 --no-location --no-wrap --sort-output \
		--project kelisim --copyright-holder "RGU Qogamdyq kelisim" \
		-o kelisim/locale/messages.pot kelisim kelisim_platform services gateway
	for lang in kk ru en; do \
		$(BIN)/pybabel update -i kelisim/locale/messages.pot -d kelisim/locale -l $$lang \
			--no-fuzzy-matching --ignore-obsolete --no-wrap || exit 1; \
	done
