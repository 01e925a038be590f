"""``kelisim run``: what ``make run`` does.

Checks the broker and that none of the platform's ports is in use, migrates every component's database, loads reference data, makes
sure a bootstrap administrator token exists, then runs every component as its own
process until Ctrl-C or SIGTERM, and stops them all cleanly.
"""
import os
import signal
import subprocess
import sys
import time

from kelisim import config
from kelisim.cli.broker import broker_problem
from kelisim.ports import PortTaken

STOP_GRACE_SECONDS = 30
DEFAULT_ADMIN_LOGIN = "admin@localhost"


def prepare() -> None:
    """Migrations, reference data and the admin token: idempotent, safe on every start."""
    from kelisim.cli.setup import (
        bootstrap_admin_account, bootstrap_admin_token, load_reference_data, migrate_all)

    migrate_all()
    load_reference_data()
    token = bootstrap_admin_token(config.env("KELISIM_ADMIN_TOKEN"))
    if token:
        print(f"kelisim: bootstrap administrator token (shown once, keep it): {token}", flush=True)
    login = config.env("KELISIM_ADMIN_LOGIN", DEFAULT_ADMIN_LOGIN)
    link = bootstrap_admin_account(login, config.env("KELISIM_ADMIN_NAME", "Әкімші"))
    if link:
        print(first_admin_instructions(login, link), flush=True)


def first_admin_instructions(login, token) -> str:
    """How the first administrator signs in, printed while their account has no password."""
    from gateway.account_cli import set_password_url

    base = set_password_url(token).split("/set-password#", 1)[0]
    return (
        f"kelisim: the first administrator signs in as {login}. Set the password once with "
        f"this single-use link (3 days):\n"
        f"  {set_password_url(token)}\n"
        f"  i.e. curl -X POST {base}/api/v1/password -H 'Content-Type: application/json' "
        f"-d '{{\"token\": \"{token}\", \"password\": \"<12 or more characters>\"}}'\n"
        f"then sign in with POST {base}/api/v1/session {{\"login\": \"{login}\", "
        f"\"password\": ...}} (a session cookie), and create personal tokens with "
        f"POST {base}/api/v1/tokens.")


def taken_port() -> PortTaken:
    """A :class:`kelisim.ports.PortTaken` for the first of the platform's ports (the
    exporters', the gateway's) already in use, else None. Each component binds its own
    port again and fails the same way if it is taken in between."""
    from kelisim import ports

    host = config.env("KELISIM_METRICS_HOST", "127.0.0.1")
    wanted = [(host, config.metrics_port(s), config.metrics_port_variable(s))
              for s in config.SERVICES]
    wanted.append((*ports.gateway_address(config.env(
        ports.GATEWAY_VARIABLE, config.DEFAULT_GATEWAY_ADDRESS)), ports.GATEWAY_VARIABLE))
    for address, port, variable in wanted:
        try:
            ports.ensure_free(address, port, variable)
        except ports.PortTaken as taken:
            return taken
    return None


def _start(component):
    return subprocess.Popen([sys.executable, "-m", "kelisim.cli.serve", component])


def _stop(processes) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for proc in processes.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def run():
    problem = broker_problem(config.amqp_uri())
    if problem:
        print(f"kelisim: {problem}", file=sys.stderr)
        return 2
    taken = taken_port()
    if taken:
        print(f"kelisim: {taken}", file=sys.stderr)
        return 2
    prepare()
    processes = {name: _start(name) for name in config.COMPONENTS}
    address = config.env("KELISIM_GATEWAY_ADDRESS", config.DEFAULT_GATEWAY_ADDRESS)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    # explicit, not Python's default: a shell starts a background job (`make run &`) with
    # SIGINT ignored, and then `kill -INT` (or Ctrl-C after `fg`) must still stop everything
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    print(f"kelisim: {', '.join(processes)} started; gateway on http://{address} "
          "(Ctrl-C stops everything)", flush=True)
    exit_code = 0
    try:
        while not stopping:
            dead = {n: p.returncode for n, p in processes.items() if p.poll() is not None}
            if dead:
                print(f"kelisim: {', '.join(dead)} exited ({dead}); stopping the rest",
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
