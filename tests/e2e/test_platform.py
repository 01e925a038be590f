"""The platform started the way `make run` starts it, used through the gateway as a client would."""
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.support import free_port

pytestmark = pytest.mark.e2e
ADMIN = "e2e-admin-token-" + "x" * 20


def kelisim(*args, env):
    return subprocess.run([sys.executable, "-m", "kelisim_platform.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def platform_env(amqp_uri, tmp_path):
    env = dict(os.environ)
    env.update({
        "KELISIM_AMQP_URI": amqp_uri,
        "KELISIM_DATA_DIR": str(tmp_path / "var"),
        "KELISIM_GATEWAY_ADDRESS": f"127.0.0.1:{free_port()}",
        "KELISIM_ADMIN_TOKEN": ADMIN,
        "KELISIM_LOG_LEVEL": "WARNING",
    })
    for service in ("registry", "projects", "reports", "notifications"):
        env[f"KELISIM_{service.upper()}_METRICS_PORT"] = str(free_port())
    return env


@pytest.fixture
def platform(platform_env, tmp_path):
    """`kelisim run` in its own process group; yields (base_url, process, log path) once
    it said it started. At that moment the gateway is ready (it and every service answer)."""
    log_path = tmp_path / "platform.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "kelisim_platform.cli.main", "run"],
                                env=platform_env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://{platform_env['KELISIM_GATEWAY_ADDRESS']}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, log_path.read_text()
        if "started; gateway on" in log_path.read_text():
            ready = requests.get(f"{base}/ready", timeout=5)
            assert (ready.status_code, ready.text) == (200, "ready\n")
            break
        time.sleep(0.2)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("platform did not say it started:\n" + log_path.read_text())
    yield base, proc, log_path
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_platform_serves_the_registry_and_stops_cleanly(platform, platform_env):
    base, proc, log_path = platform
    health = requests.get(f"{base}/health", timeout=10).json()
    assert set(health["checks"]) >= {"broker", "registry", "projects", "reports", "notifications"}

    regions = requests.get(f"{base}/api/v1/regions", headers=auth(ADMIN), timeout=10)
    assert regions.status_code == 200
    assert {r["code"] for r in regions.json()} >= {"KZ-61", "KZ-71", "KZ-75", "KZ-79"}
    assert len(regions.json()) == 20

    created = kelisim("token", "create", "--role", "kgu_coordinator", "--region", "KZ-61",
                      "--name", "Turkistan KGU", env=platform_env)
    assert created.returncode == 0, created.stderr
    coordinator = created.stdout.strip().split()[-1]

    kgus = requests.get(f"{base}/api/v1/org-units", params={"kind": "kgu"},
                        headers=auth(coordinator), timeout=10)
    assert kgus.status_code == 200
    assert [u["region_code"] for u in kgus.json()] == ["KZ-61"]
    own_kgu = kgus.json()[0]["id"]

    structure = {"type": "mediation_council", "name": "Түркістан облыстық медиация кеңесі",
                 "org_unit_id": own_kgu, "member_count": 19}
    made = requests.post(f"{base}/api/v1/structures", json=structure,
                         headers=auth(coordinator), timeout=10)
    assert made.status_code == 201, made.text
    assert made.json()["name"] == structure["name"]
    assert made.json()["region_code"] == "KZ-61"

    bad = requests.post(f"{base}/api/v1/structures", json=dict(structure, member_count=-5),
                        headers=auth(coordinator), timeout=10)
    assert bad.status_code == 422
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    assert "member_count" in bad.json()["errors"]

    other = requests.get(f"{base}/api/v1/structures", params={"region": "KZ-11"},
                         headers=auth(coordinator), timeout=10)
    assert other.status_code == 403
    assert requests.get(f"{base}/api/v1/regions", timeout=10).status_code == 401

    admin_kgus = requests.get(f"{base}/api/v1/org-units", params={"kind": "kgu", "region": "KZ-11"},
                              headers=auth(ADMIN), timeout=10).json()
    foreign = requests.get(f"{base}/api/v1/org-units/{admin_kgus[0]['id']}",
                           headers=auth(coordinator), timeout=10)
    assert foreign.status_code == 404

    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    assert proc.wait(timeout=60) == 0, log_path.read_text()
    assert "kelisim: stopped" in log_path.read_text()
    # the components started in order: no call found its service missing
    assert "UnknownService" not in log_path.read_text()


def test_run_says_clearly_when_rabbitmq_is_unreachable(platform_env):
    platform_env["KELISIM_AMQP_URI"] = f"amqp://guest:guest@127.0.0.1:{free_port()}/"
    result = kelisim("run", env=platform_env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("kelisim:")]
    assert len(lines) == 1
    assert "RabbitMQ is not reachable" in lines[0] and "rabbitmq-server -detached" in lines[0]


def test_run_says_the_vhost_is_missing_and_how_to_create_it(platform_env):
    platform_env["KELISIM_AMQP_URI"] = "amqp://guest:guest@127.0.0.1:5672/kelisim-no-such-vhost"
    result = kelisim("run", env=platform_env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("kelisim:")]
    assert len(lines) == 1
    assert "no vhost 'kelisim-no-such-vhost'" in lines[0]
    assert "rabbitmqctl add_vhost kelisim-no-such-vhost" in lines[0]
    assert "not reachable" not in lines[0]

