"""Every alert rule carries a runbook: a `runbook_url` annotation pointing at a section of
deploy/RUNBOOK.md that says what the alert means, how to confirm it and what to do."""
import re

import yaml

from tests.ops.promql import DEPLOY, RULES

RUNBOOK = DEPLOY / "RUNBOOK.md"
PREFIX = "deploy/RUNBOOK.md#"


def _alerts():
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"]
            for rule in group["rules"] if "alert" in rule]


def _sections():
    """GitHub-style anchors of the runbook's headings -> the text under each heading."""
    sections, anchor = {}, None
    for line in RUNBOOK.read_text().splitlines():
        heading = re.match(r"#{2,}\s+(.*)", line)
        if heading:
            anchor = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
            sections[anchor] = ""
        elif anchor is not None:
            sections[anchor] += line + "\n"
    return sections


def test_every_alert_has_a_runbook_url_to_an_existing_section():
    sections = _sections()
    alerts = _alerts()
    assert len(alerts) >= 14
    for rule in alerts:
        url = rule.get("annotations", {}).get("runbook_url")
        assert url and url.startswith(PREFIX), (rule["alert"], url)
        anchor = url[len(PREFIX):]
        assert anchor in sections, (rule["alert"], anchor)


def test_every_section_says_what_it_means_how_to_confirm_and_what_to_do():
    sections = _sections()
    for rule in _alerts():
        text = sections[rule["annotations"]["runbook_url"][len(PREFIX):]]
        for part in ("**Means.**", "**Confirm.**", "**Do.**"):
            assert part in text, (rule["alert"], part)
        confirm = text.split("**Confirm.**")[1].split("**Do.**")[0]
        assert "`" in confirm, (rule["alert"], "no query or command to confirm it")
