"""What the rules and dashboards may refer to: the metric names kelisim exports, read from
the code's own registry, and a way to pick metric names out of a PromQL expression."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
RULES = DEPLOY / "prometheus" / "rules" / "kelisim.yml"
# Names Prometheus or RabbitMQ's plugin provide, not kelisim.
EXTERNAL = {"up", "ALERTS", "scrape_duration_seconds", "rabbitmq_queue_messages_ready",
            "rabbitmq_queue_messages_unacked", "rabbitmq_connections"}
_AGGREGATIONS = {"sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk",
                 "quantile", "count_values", "group"}
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
             "unless", "bool", "offset", "inf", "nan"}


def promtool():
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool not found: apt-get install prometheus (.ci/run installs it)")
    return found


def run_promtool(*args, cwd=None):
    result = subprocess.run([promtool(), *args], capture_output=True, text=True, cwd=cwd,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def exported_names():
    """Every sample name the kelisim code can export (all services imported)."""
    import gateway.entrypoints.service  # noqa: F401
    import services.notifications.entrypoints.service  # noqa: F401
    import services.projects.entrypoints.service  # noqa: F401
    import services.registry.entrypoints.service  # noqa: F401
    import services.reports.entrypoints.service  # noqa: F401

    names = set()
    for family in REGISTRY.collect():
        suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"),
                    "summary": ("_sum", "_count")}.get(family.type, ("",))
        names.update(family.name + suffix for suffix in suffixes)
    return names


def recorded_names():
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {rule["record"] for group in groups for rule in group["rules"] if "record" in rule}


def metric_names(expr):
    """Metric names an expression selects (functions, aggregations and labels left out)."""
    expr = re.sub(r'"[^"]*"', '""', expr)  # label values
    expr = re.sub(r"\{[^}]*\}", "{}", expr)  # matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"(?<![\w:])\d+(\.\d+)?([eE][+-]?\d+)?[smhdwy]?\b", "", expr)  # numbers
    names = set()
    for match in re.finditer(r"\$?[a-zA-Z_:][\w:]*", expr):
        word = match.group(0)
        if expr[match.end():].lstrip().startswith("(") or word.startswith("$"):
            continue  # a function, or a dashboard variable
        if word.lower() in _KEYWORDS or word in _AGGREGATIONS:
            continue
        names.add(word)
    return names
