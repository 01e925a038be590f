"""The platform's components as real processes (``kelisim serve``, one each, as ``make run``
starts them) on a vhost of their own, which a test starts, kills and restarts one by one,
and a TCP proxy of the test's own in front of RabbitMQ or PostgreSQL, which a test kills to
cut the platform off a server without stopping it for the rest of the machine.
"""
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
from nameko.standalone.rpc import ServiceRpcProxy

from kelisim.db import migrate
from services.projects.adapters.orm import start_mappers as map_projects
from services.projects.adapters.repository import ProjectsRepository
from services.projects.service_layer.reference import (
    load_reference_data as load_projects,
)
from services.registry.adapters.orm import start_mappers as map_registry
from services.registry.adapters.repository import RegistryRepository
from services.registry.service_layer.reference import (
    load_reference_data as load_registry,
)
from services.reports.bootstrap import load_reference_data as load_report_templates
from tests.support import free_port, on_database

map_projects()
map_registry()
ROOT = Path(__file__).resolve().parents[2]
HOOKED = Path(__file__).with_name("serve_hooked.py")
TCP_PROXY = Path(__file__).with_name("tcp_proxy.py")
ADMIN = {"id": "faults-admin", "role": "rgu_admin", "region": None}


class Platform:
    """Components started and stopped one by one; ``urls`` are their databases."""

    def __init__(self, amqp_uri, folder, urls, env):
        self.amqp_uri = amqp_uri
        self.folder = folder
        self.urls = urls
        self.env = env
        self.procs = {}
        self.logs = []
        self.env_of = {}  # replica name -> the ports given to it

    def start(self, component, hook=None, replica=None, **env):
        """Start ``kelisim serve component`` (or with a fault ``hook``, see serve_hooked.py).

        ``replica`` (a name such as ``"b"``) starts another process of the component, known
        as ``component-b``, with an exporter port (or a gateway address) of its own."""
        name = component if replica is None else f"{component}-{replica}"
        assert name not in self.procs or self.procs[name].poll() is not None
        environment = dict(self.env, **env)
        if replica is not None:
            if name not in self.env_of:  # the same ports again on a restart
                variable = ("KELISIM_GATEWAY_ADDRESS" if component == "gateway"
                            else f"KELISIM_{component.upper()}_METRICS_PORT")
                port = free_port()
                self.env_of[name] = {variable: f"127.0.0.1:{port}" if component == "gateway"
                                     else str(port)}
            environment.update(self.env_of[name])
            environment.update(env)
        if hook:
            environment["KELISIM_FAULT_HOOK"] = hook
            command = [sys.executable, str(HOOKED), component]
        else:
            command = [sys.executable, "-m", "kelisim_platform.cli.serve", component]
        log_path = self.folder / f"{name}.{len(self.logs)}.log"
        self.logs.append(log_path)
        with open(log_path, "w") as log:
            self.procs[name] = subprocess.Popen(command, cwd=ROOT, env=environment,
                                                stdout=log, stderr=subprocess.STDOUT)
        return self.procs[name]

    def setting(self, name, variable):
        """An environment variable as process ``name`` (``component[-replica]``) got it."""
        return self.env_of.get(name, {}).get(variable, self.env[variable])

    def wait_serving(self, *names, timeout=90):
        """Until each process (``component[-replica]``) is ready: a service's exporter
        answers ``/ready``, the gateway's ``/health`` 200 (so every service answers it)."""
        deadline = time.monotonic() + timeout
        for name in names:
            component = name.split("-", 1)[0]
            if component == "gateway":
                url = f"http://{self.setting(name, 'KELISIM_GATEWAY_ADDRESS')}/health"
            else:
                port = self.setting(name, f"KELISIM_{component.upper()}_METRICS_PORT")
                url = f"http://127.0.0.1:{port}/ready"
            while True:
                assert self.procs[name].poll() is None, f"{name} exited:\n{self.log_tail()}"
                try:
                    if requests.get(url, timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"{name} is not ready:\n{self.log_tail()}")
                time.sleep(0.3)

    def wait_ready(self, *components, timeout=60):
        """Until each component answers ``ping`` over RPC."""
        deadline = time.monotonic() + timeout
        for component in components:
            while True:
                proc = self.procs[component]
                assert proc.poll() is None, f"{component} exited:\n{self.log_tail()}"
                try:
                    with self.rpc(component, timeout=2) as remote:
                        remote.ping()
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise AssertionError(
                            f"{component} did not start:\n{self.log_tail()}") from None
                    time.sleep(0.2)

    def kill(self, component, sig=signal.SIGKILL):
        proc = self.procs[component]
        proc.send_signal(sig)
        proc.wait(timeout=60)

    def alive(self, component):
        return self.procs[component].poll() is None

    @contextlib.contextmanager
    def rpc(self, service, actor=ADMIN, timeout=60):
        config = {"AMQP_URI": self.amqp_uri, "serializer": "json"}
        with ServiceRpcProxy(service, config, context_data={"actor": actor},
                             timeout=timeout) as remote:
            yield remote

    def stop_all(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def log_tail(self, chars=4000):
        return "\n".join(f"--- {p.name}\n{p.read_text()[-chars:]}" for p in self.logs
                         if p.exists())


def prepare(amqp_uri, folder, urls=None, **env):
    """A :class:`Platform` on migrated databases (SQLite in ``folder`` unless ``urls`` names
    others) with the reference data loaded, and the environment ``make run`` builds."""
    urls = dict(urls or {})
    for component in ("registry", "projects", "reports", "notifications", "gateway"):
        urls.setdefault(component, f"sqlite:///{folder / (component + '.db')}")
        migrate.upgrade(component, urls[component])
    on_database(urls["registry"], RegistryRepository, load_registry)
    on_database(urls["projects"], ProjectsRepository, load_projects)
    load_report_templates(urls["reports"])
    environment = dict(os.environ, KELISIM_AMQP_URI=amqp_uri,
                       KELISIM_DATA_DIR=str(folder / "var"), KELISIM_LOG_LEVEL="WARNING",
                       KELISIM_EVENT_RETRY_DELAYS="0.2,0.5,1,2",
                       KELISIM_OUTBOX_POLL_INTERVAL="0.5",
                       KELISIM_GATEWAY_ADDRESS=f"127.0.0.1:{free_port()}")
    environment.pop("KELISIM_SMTP_HOST", None)
    for component, url in urls.items():
        environment[f"KELISIM_{component.upper()}_DATABASE_URL"] = url
    for service in ("registry", "projects", "reports", "notifications"):
        environment[f"KELISIM_{service.upper()}_METRICS_PORT"] = str(free_port())
    environment.update(env)
    return Platform(amqp_uri, folder, urls, environment)


class TcpProxy:
    """tcp_proxy.py in a process of its own on a free port, forwarding to ``target_port``:
    ``kill()`` cuts every connection through it, ``start()`` lets clients back in."""

    def __init__(self, target_port=5672):
        self.port = free_port()
        self.target_port = target_port
        self.proc = None

    def uri(self, url):
        """An AMQP URI or a database URL (scheme, credentials, vhost or database kept)
        through this proxy."""
        credentials, path = url.split("@", 1)[0], url.rsplit("/", 1)[1]
        return f"{credentials}@127.0.0.1:{self.port}/{path}"

    def start(self):
        self.proc = subprocess.Popen([sys.executable, str(TCP_PROXY), str(self.port),
                                      str(self.target_port)], stdout=subprocess.PIPE,
                                     text=True)
        assert self.proc.stdout.readline().strip() == "ready"
        return self

    def kill(self):
        """Every connection through the proxy cut at once; new ones refused until
        :meth:`start`. Does nothing when it is not running."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)
            self.proc.stdout.close()
            self.proc = None


@contextlib.contextmanager
def cut_off(proxy):
    """The clients behind ``proxy`` cut off their server for the ``with`` block (the
    server runs on for everyone else), let back in after it whatever happens."""
    proxy.kill()
    try:
        yield
    finally:
        proxy.start()
