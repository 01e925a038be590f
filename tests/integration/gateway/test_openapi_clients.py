"""The OpenAPI document as its readers use it: Redocly's linter finds no error in it, and a
typed client generated from it (openapi-python-client) is used by a small program that
mypy --strict accepts with no cast: the fields a route always answers are not Optional.

The document is the one ``GET /openapi.json`` serves (the same function builds it; see
test_operations.py for the served one). Redocly comes from npm, installed once into
~/.cache/kelisim-tests (as the OIDC provider of test_single_sign_on.py); the test skips only
when npm is not there.
"""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gateway.entrypoints.service import GatewayService, openapi_document

REDOCLY_PACKAGE = "@redocly/cli@2"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def document():
    return openapi_document(GatewayService)


@pytest.fixture
def document_file(document, tmp_path):
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def redocly():
    """The redocly command, installed with npm once into a cache folder."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("npm (and node) are needed to install Redocly's linter (@redocly/cli)")
    cache = Path(os.environ.get("KELISIM_TEST_REDOCLY_CACHE",
                                Path.home() / ".cache" / "kelisim-tests" / "redocly"))
    command = cache / "node_modules" / ".bin" / "redocly"
    if not command.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(cache),
                        REDOCLY_PACKAGE], check=True, capture_output=True, timeout=300)
    return command


def test_redocly_finds_no_error(redocly, document_file):
    result = subprocess.run([str(redocly), "lint", str(document_file), "--format=json"],
                            capture_output=True, text=True, timeout=180)
    report = json.loads(result.stdout)
    errors = [(p["ruleId"], p["message"], [loc.get("pointer") for loc in p["location"]])
              for p in report["problems"] if p["severity"] == "error"]
    assert errors == []


def test_servers_are_set_and_answered_fields_are_required(document):
    assert document["servers"] == [{"url": "/", "description": "the gateway serving this "
                                                               "document"}]
    schemas = document["components"]["schemas"]
    assert {"id", "title", "due_date", "assignments", "version"} <= set(
        schemas["Task"]["required"])
    assert {"items", "total", "limit", "offset"} <= set(schemas["TaskPage"]["required"])
    # an answer that may leave a field out says so (the report listing has no figures)
    assert "register_figures" not in schemas["Report"]["required"]
    # a request body's optional fields stay optional
    assert "required" not in schemas["TaskPatch"] or "title" not in schemas[
        "TaskPatch"]["required"]
    assert not [name for name, schema in schemas.items()
                for prop in schema.get("properties", {}).values() if "x-optional" in prop]


PROGRAM = '''
"""A client of the gateway written against the generated package: no casts."""
import datetime

from kclient import AuthenticatedClient
from kclient.api.plans import get_plan
from kclient.api.reports import get_report
from kclient.api.tasks import get_task, list_tasks
from kclient.models import Plan, Report, Task, TaskPage


def days_left(task: Task, today: datetime.date) -> int:
    return (task.due_date - today).days


def describe_task(task: Task) -> str:
    who = ", ".join(f"{a.role}:{a.assignee.kind}{a.assignee.id}" for a in task.assignments)
    late = " (overdue)" if task.overdue else ""
    return (f"#{task.id} v{task.version} {task.title.upper()} {task.start_date.isoformat()}.."
            f"{task.due_date.isoformat()} {task.progress + 0}% {task.status}{late} [{who}] "
            f"after {[d.predecessor_id + d.lag for d in task.predecessors]}")


def describe_plan(plan: Plan) -> str:
    return (f"{plan.project_code.upper()} {plan.year + 0} {plan.status.upper()} "
            f"{plan.task_count + 0} tasks v{plan.version + 0}")


def describe_report(report: Report) -> str:
    late = report.days_overdue + 0 if report.overdue else 0
    return (f"{report.template_code.upper()}/{report.period} {report.status} due "
            f"{report.due_date.isoformat()} until {report.timely_until.isoformat()} "
            f"{report.submission_count + 0} submissions, {late} days late, "
            f"v{report.version + 0}, since {report.created_at.isoformat()}")


def main(base_url: str, token: str, today: datetime.date) -> list[str]:
    client = AuthenticatedClient(base_url=base_url, token=token)
    lines: list[str] = []
    page = list_tasks.sync(client=client)
    if isinstance(page, TaskPage):
        lines += [describe_task(task) for task in page.items]
        lines.append(f"{len(page.items)} of {page.total + 0} from {page.offset + page.limit}")
        lines.append(str(min((days_left(task, today) for task in page.items), default=0)))
    task = get_task.sync(1, client=client)
    if isinstance(task, Task):
        lines.append(describe_task(task))
    plan = get_plan.sync(1, client=client)
    if isinstance(plan, Plan):
        lines.append(describe_plan(plan))
    report = get_report.sync(1, client=client)
    if isinstance(report, Report):
        lines.append(describe_report(report))
    return lines
'''


def test_a_generated_client_types_answered_fields_as_present(document_file, tmp_path):
    generator = BIN / "openapi-python-client"
    if not generator.exists():
        pytest.fail("openapi-python-client is in the test extra: make test installs it")
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n")
    generated = subprocess.run(
        [str(generator), "generate", "--path", str(document_file), "--meta", "none",
         "--output-path", str(tmp_path / "kclient"), "--config", str(config)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    program = tmp_path / "use_client.py"
    program.write_text(textwrap.dedent(PROGRAM), encoding="utf-8")
    # the generated package's own typing is the generator's affair: only the program's
    # errors are reported (--follow-imports=silent still reads the package's types)
    checked = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--follow-imports=silent", "--no-incremental",
         "--cache-dir", os.devnull, str(program)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
