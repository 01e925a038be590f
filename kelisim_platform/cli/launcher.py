"""``kelisim run``: what ``make run`` does.

Checks the broker (and its vhost) and that none of the platform's ports is in use,
migrates every component's database, loads reference data, makes sure a bootstrap
administrator token exists, then runs every component as its own process until Ctrl-C or
SIGTERM, and stops them all cleanly.

The components start in order, each stage once the one before is ready (its exporter's
``/ready``): the registry, whose RPC the others call as they start (reports' collection
job), then projects, reports and notifications, then the gateway. "started; gateway on
…" is printed once the gateway's ``/ready`` answers 200, i.e. it and every service it
calls answer.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator

from kelisim import config
from kelisim.ports import CannotListen
from kelisim_platform.cli.broker import broker_problem
from kelisim_platform.cli.components import settings_problem

STOP_GRACE_SECONDS = 30
STAGES = (("registry",), ("projects", "reports", "notifications"), ("gateway",))
SLOW_START_SECONDS = 60  # then one line says what is still awaited (and waiting goes on)


def prepare() -> None:
    """Migrations, reference data and the admin token: idempotent, safe on every start."""
    from kelisim_platform.cli.setup import (
        bootstrap_admin_account,
        bootstrap_admin_token,
        load_reference_data,
        migrate_all,
    )

    migrate_all()
    load_reference_data()
    token = bootstrap_admin_token(config.admin_token())
    if token:
        print(f"kelisim: bootstrap administrator token (shown once, keep it): {token}", flush=True)
    login, name = config.admin_account()
    link = bootstrap_admin_account(login, name)
    if link:
        print(first_admin_instructions(login, link), flush=True)


def first_admin_instructions(login: str, token: str) -> str:
    """How the first administrator signs in, printed while their account has no password."""
    from gateway.account_cli import set_password_url

    base = set_password_url(token).split("/set-password#", 1)[0]
    return (
        f"kelisim: the first administrator signs in as {login}. Set the password once with "
        f"this single-use link (3 days) - open it in a browser, then sign in at "
        f"{base}/sign-in:\n"
        f"  {set_password_url(token)}\n"
        f"  (scripts: curl -X POST {base}/api/v1/password -H 'Content-Type: application/json' "
        f"-d '{{\"token\": \"{token}\", \"password\": \"<12 or more characters>\"}}'\n"
        f"  then sign in with POST {base}/api/v1/session {{\"login\": \"{login}\", "
        f"\"password\": ...}} (a session cookie), and create personal tokens with "
        f"POST {base}/api/v1/tokens.)")


def taken_port() -> CannotListen | None:
    """A :class:`kelisim.ports.PortTaken` for the first of the platform's ports (the
    exporters', the gateway's) already in use, or a ``CannotListen`` for one that cannot be
    bound (KELISIM_METRICS_HOST not an address of this machine), else None. Each component
    binds its own port again and fails the same way if it is taken in between."""
    return next(port_problems(), None)


def port_problems() -> Iterator[CannotListen]:
    """Each of the platform's ports that cannot be listened on now, in turn (a
    :class:`kelisim.ports.PortTaken` for one in use)."""
    from kelisim import ports

    host = config.metrics_host()
    wanted = [(host, config.metrics_port(s), config.metrics_port_variable(s),
               "KELISIM_METRICS_HOST") for s in config.SERVICES]
    gateway = ports.gateway_address(config.gateway_address())
    wanted.append((*gateway, ports.GATEWAY_VARIABLE, ports.GATEWAY_VARIABLE))
    for address, port, variable, host_variable in wanted:
        try:
            ports.ensure_free(address, port, variable, host_variable)
        except ports.CannotListen as problem:
            yield problem


def _start(component: str) -> "subprocess.Popen[bytes]":
    return subprocess.Popen([sys.executable, "-m", "kelisim_platform.cli.serve", component])


def _stop(processes: "dict[str, subprocess.Popen[bytes]]") -> None:
    for proc in processes.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for proc in processes.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def ready_url(component: str) -> str:
    """Where ``component`` says it is ready: a service's exporter, or the gateway."""
    if component == "gateway":
        host, port = _gateway_host_port()
    else:
        host, port = config.metrics_host(), config.metrics_port(
            component)
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}/ready"


def _gateway_host_port() -> tuple[str, int]:
    from kelisim import ports

    return ports.gateway_address(config.gateway_address())


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return bool(answer.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _wait_ready(components: Iterable[str], processes: "dict[str, subprocess.Popen[bytes]]",
                stopping: list[bool]) -> list[str]:
    """Wait until each of ``components`` is ready; the names of those that died instead
    (empty: all ready, or a stop was asked for)."""
    waiting, started, told = set(components), time.monotonic(), False
    while waiting and not stopping:
        dead = [n for n, p in processes.items() if p.poll() is not None]
        if dead:
            return dead
        waiting = {name for name in waiting if not _answers(ready_url(name))}
        if waiting and not told and time.monotonic() - started > SLOW_START_SECONDS:
            told = True
            print(f"kelisim: still waiting for {', '.join(sorted(waiting))} to be ready ("
                  + ", ".join(ready_url(n) for n in sorted(waiting)) + ")", file=sys.stderr,
                  flush=True)
        if waiting:
            time.sleep(0.25)
    return []


def run() -> int:
    """``kelisim run``: prepare, start every component, stop them all on Ctrl-C or SIGTERM;
    0 after a clean stop, 1 when a component exited, 2 without a broker or a free port
    or with a refused setting (KELISIM_CORS_ORIGINS, a malformed number)."""
    config.check()  # SettingRefused: one line and 2 (kelisim_platform/cli/main.py)
    for component in config.COMPONENTS:
        refused = settings_problem(component, config.nameko_config(component))
        if refused:
            print(f"kelisim: {component}: {refused}", file=sys.stderr)
            return 2
    problem = broker_problem(config.amqp_uri())
    if problem:
        print(f"kelisim: {problem}", file=sys.stderr)
        return 2
    taken = taken_port()
    if taken:
        print(f"kelisim: {taken}", file=sys.stderr)
        return 2
    prepare()
    address = config.gateway_address()
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    # explicit, not Python's default: a shell starts a background job (`make run &`) with
    # SIGINT ignored, and then `kill -INT` (or Ctrl-C after `fg`) must still stop everything
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    processes: dict[str, subprocess.Popen[bytes]] = {}
    exit_code = 0
    try:
        for stage in STAGES:
            if stopping:
                break
            processes.update((name, _start(name)) for name in stage)
            dead = _wait_ready(stage, processes, stopping)
            if dead:
                print(f"kelisim: {', '.join(dead)} exited while starting "
                      f"({ {n: processes[n].returncode for n in dead} }); stopping the rest",
                      file=sys.stderr, flush=True)
                stopping.append(True)
                exit_code = 1
        if not stopping:
            print(f"kelisim: {', '.join(processes)} started; gateway on http://{address} "
                  "(Ctrl-C stops everything)", flush=True)
        while not stopping:
            exited = {n: p.returncode for n, p in processes.items() if p.poll() is not None}
            if exited:
                print(f"kelisim: {', '.join(exited)} exited ({exited}); stopping the rest",
                      file=sys.stderr)
                exit_code = 1
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass  # Ctrl-C reached the children too; they are already stopping
    _stop(processes)
    print("kelisim: stopped", flush=True)
    return exit_code


if __name__ == "__main__":  # pragma: no cover
    os._exit(run())
