"""The Prometheus configuration under deploy/ is valid, its alert rules pass their unit
tests, and every metric a rule reads is one kelisim exports (or Prometheus provides)."""
import pytest
import yaml

from tests.ops.promql import DEPLOY, EXTERNAL, RULES, exported_names, metric_names, recorded_names, run_promtool

CONFIGS = [DEPLOY / "prometheus" / "prometheus.yml", DEPLOY / "prometheus" / "kubernetes.yml",
           DEPLOY / "local" / "prometheus.yml"]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda path: path.relative_to(DEPLOY).as_posix())
def test_config_is_valid(config):
    out = run_promtool("check", "config", str(config))
    assert "SUCCESS: 1 rule files found" in out


def test_rules_are_valid_and_pass_their_unit_tests():
    run_promtool("check", "rules", str(RULES))
    out = run_promtool("test", "rules", "tests/kelisim.test.yml", cwd=DEPLOY / "prometheus")
    assert "SUCCESS" in out


def test_rules_read_only_metrics_that_exist():
    known = exported_names() | recorded_names() | EXTERNAL
    for group in yaml.safe_load(RULES.read_text())["groups"]:
        for rule in group["rules"]:
            unknown = metric_names(rule["expr"]) - known
            assert not unknown, (rule.get("alert") or rule.get("record"), unknown)


def test_the_required_alerts_exist():
    alerts = {rule["alert"] for group in yaml.safe_load(RULES.read_text())["groups"]
              for rule in group["rules"] if "alert" in rule}
    assert {"KelisimTargetDown", "KelisimEntrypointErrors", "KelisimEntrypointSlow",
            "KelisimOutboxBehind", "KelisimOutboxGrowing", "KelisimDeadLettersGrowing",
            "KelisimReportCollectionBehind", "KelisimOverdueTasksRising"} <= alerts


def test_metric_names_are_picked_out_of_expressions():
    assert metric_names('max by (service) (deriv(kelisim_outbox_pending_events[10m])) > 0 '
                        'and on (service, kind) max by (service) (up{job="x"}) > 100') == {
        "kelisim_outbox_pending_events", "up"}
    assert metric_names('histogram_quantile(0.99, sum by (le) (rate(a_bucket{le="1"}[5m])))') \
        == {"a_bucket"}
