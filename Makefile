# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test chaos install migrate clean check-deploy messages drill

run: $(STAMP)
	$(BIN)/kelisim run

test: $(STAMP)
	$(BIN)/pytest

# The cluster shape under faults (tests marked chaos, minutes long; .ci/run calls it too):
# two replicas of every component on PostgreSQL, broker connections cut.
chaos: $(STAMP)
	KELISIM_CHAOS=1 $(BIN)/pytest -m chaos tests/faults

install: $(STAMP)

# The backup and restore drill alone (about a minute; `make test` runs it too).
drill: $(STAMP)
	$(BIN)/pytest -q -m drill tests/faults/test_restore_drill.py

# (Re)install only when the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/kelisim migrate

# deploy/ checked offline: promtool (Debian's prometheus), docker-compose v1 (Debian) for the
# compose file, kubernetes-validate (PyPI) for the manifests; `make test` runs the same
# tests, skipping the last two checks when those tools are missing.
check-deploy: $(STAMP)
	command -v promtool >/dev/null || apt-get install -y -qq prometheus
	command -v docker-compose >/dev/null || apt-get install -y -qq docker-compose
	$(BIN)/python -c "import kubernetes_validate" 2>/dev/null || $(BIN)/pip install --quiet kubernetes-validate
	$(BIN)/pytest -q tests/ops/test_prometheus_rules.py tests/ops/test_grafana_dashboards.py tests/ops/test_deploy_manifests.py

clean:
	rm -rf $(VENV) var .pytest_cache

# Re-extract every _()/N_() text into kelisim/locale/messages.pot and merge it into the kk,
# ru and en catalogues (then translate the new empty entries; tests/unit/core/test_i18n.py
# fails while one is missing). The .po files are read as they are at run time.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k C_:1c,2 --no-location --no-wrap --sort-output \
		--project kelisim --copyright-holder "RGU Qogamdyq kelisim" \
		-o kelisim/locale/messages.pot kelisim services gateway
	for lang in kk ru en; do \
		$(BIN)/pybabel update -i kelisim/locale/messages.pot -d kelisim/locale -l $$lang \
			--no-fuzzy-matching --ignore-obsolete --no-wrap || exit 1; \
	done
