"""The Grafana dashboards under deploy/grafana are well formed: unique ids and uids, panels
on the 24-column grid without overlaps, every query on the provisioned datasource, valid
PromQL (checked by promtool) reading only metrics kelisim exports or records."""
import json

import pytest
import yaml

from tests.ops.promql import DEPLOY, EXTERNAL, exported_names, metric_names, recorded_names, run_promtool

GRAFANA = DEPLOY / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$region": ".*", "$project": ".*",
             "$service": ".*", "$template": ".*"}


def load(path):
    return json.loads(path.read_text())


def queries(dashboard):
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel, target


def concrete(expr):
    for name, value in VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def test_the_three_dashboards_exist_with_unique_uids():
    uids = {load(path)["uid"]: path.name for path in DASHBOARDS}
    assert set(uids) == {"kelisim-platform", "kelisim-programme", "kelisim-reports"}


def test_provisioning_points_at_the_dashboards_and_the_datasource():
    datasources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    [source] = datasources["datasources"]
    assert source["type"] == "prometheus"
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/kelisim.yml").read_text())
    assert providers["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards/kelisim"
    for path in DASHBOARDS:
        for panel, target in queries(load(path)):
            assert panel["datasource"]["uid"] == target["datasource"]["uid"] == source["uid"]
        for variable in load(path)["templating"]["list"]:
            assert variable["datasource"]["uid"] == source["uid"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panels_sit_on_the_grid_without_overlapping(path):
    dashboard = load(path)
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    taken = set()
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["w"] > 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        cells = {(x, y) for x in range(grid["x"], grid["x"] + grid["w"])
                 for y in range(grid["y"], grid["y"] + grid["h"])}
        assert not cells & taken, panel["title"]
        taken |= cells
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
            assert len({t["refId"] for t in panel["targets"]}) == len(panel["targets"])


def test_every_query_is_valid_promql_on_known_metrics(tmp_path):
    known = exported_names() | recorded_names() | EXTERNAL
    rules = []
    for path in DASHBOARDS:
        dashboard = load(path)
        exprs = [target["expr"] for _, target in queries(dashboard)]
        exprs += [v["query"]["query"] for v in dashboard["templating"]["list"]]
        for expr in exprs:
            if expr.startswith("label_values("):
                expr = expr[len("label_values("):].rsplit(",", 1)[0]
            unknown = metric_names(concrete(expr)) - known
            assert not unknown, (path.name, expr, unknown)
            rules.append({"record": f"dashboard:query_{len(rules)}", "expr": concrete(expr)})
    checked = tmp_path / "dashboard-queries.yml"
    checked.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    assert f"SUCCESS: {len(rules)} rules found" in run_promtool("check", "rules", str(checked))
