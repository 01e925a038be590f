"""CPU per uncached ``GET /api/v1/tasks?limit=50``, each process's share measured in-process
(issue 17: the uncached read reached ~32 % of bare nameko HTTP + one RPC hop).

No broker, no HTTP socket, one process, SQLite: projects' database seeded by rolling
out four projects (mediation, civic-identity, cultural-diversity, ethnocultural-genesis) to
the 20 regions (~2 000 tasks, the registry's answers from tests/support_projects.py), the
gateway's database holding the bootstrap admin token, as bench/load_gateway.py reads as.

- projects: what its ``list_tasks`` RPC worker does past nameko's own machinery — the
  request's JSON read (kelisim/serialization.py), a unit of work acting as the admin, the
  use case (services/projects/service_layer/tasks.py ``list_tasks``) and the reply's JSON
  written;
- gateway: what its ``list_tasks`` route does past eventlet's HTTP parsing — the WSGI app
  (correlation id, routing, security headers, metrics: gateway/http/server.py), the
  bearer token checked against its database (gateway/http/auth.py), the query checked, the
  cache bypassed (``Cache-Control: no-cache``), the reply's JSON read as nameko's reply
  listener does, the answer localised and written as JSON (gateway/http/routing.py).
  The RPC itself is a stand-in answering the bytes projects wrote; nameko's
  worker spawn and the RPC publish are the same in the bare hop and are left out.

Each figure is the CPU (``time.process_time``) per call over ``--calls`` calls after a
warm-up, best of ``--runs``.

    .venv/bin/python bench/task_list_cpu.py [--calls 300] [--runs 3] [--profile projects|gateway]

``--profile`` runs only that side's loop for ``--calls`` (for py-spy:
``py-spy record -r 200 -f raw -o out.raw -- .venv/bin/python bench/task_list_cpu.py
--profile projects --calls 3000``).
"""
import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kelisim  # noqa: E402,F401  (quiets eventlet's deprecation notice)
from kelisim import serialization  # noqa: E402
from kelisim.context import Context  # noqa: E402
from kelisim.db import migrate  # noqa: E402
from kelisim.db.engine import make_engine  # noqa: E402
from kelisim.db.uow import UnitOfWork  # noqa: E402
from kelisim_platform.cli import components  # noqa: E402,F401  (registers the migrations)

PROJECTS = ("mediation", "civic-identity", "cultural-diversity", "ethnocultural-genesis")
QUERY = "limit=50"
TOKEN = "bench-admin-" + uuid.uuid4().hex


def seed_projects(url):
    """Projects' database at ``url``: migrated, reference data, PROJECTS rolled out to the
    20 regions for 2026; returns a sessionmaker on it and the number of tasks."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import sessionmaker

    from services.projects.adapters import orm
    from services.projects.adapters.orm import start_mappers
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.service_layer import reference, rollout
    from tests.support import ADMIN
    from tests.support_projects import FakeRegistry

    start_mappers()
    migrate.upgrade("projects", url)
    sessions = sessionmaker(make_engine(url), expire_on_commit=False)
    reference.load_reference_data(UnitOfWork(sessions, Context(), ProjectsRepository))
    registry = FakeRegistry()
    for code in PROJECTS:
        rollout.rollout(UnitOfWork(sessions, Context(actor=dict(ADMIN)), ProjectsRepository),
                        registry, code, {"year": 2026, "regions": "all"})
    with sessions() as session:
        count = session.scalar(select(func.count()).select_from(orm.tasks))
    return sessions, count


def projects_call(sessions, actor):
    """One ``list_tasks`` worker's work: request read, use case, reply written (bytes)."""
    from services.projects.adapters.repository import ProjectsRepository
    from services.projects.service_layer import tasks

    request = serialization.dumps({"args": [], "kwargs": {"query": {"limit": "50"}}})

    def call():
        kwargs = serialization.loads(request)["kwargs"]
        uow = UnitOfWork(sessions, Context(actor=dict(actor), source="projects"),
                         ProjectsRepository)
        result = tasks.list_tasks(uow, kwargs["query"])
        return serialization.dumps({"result": result, "error": None})

    return call


def gateway_call(url, reply):
    """One uncached ``GET /api/v1/tasks?limit=50`` through the gateway's WSGI app, its RPC
    answered with ``reply`` (the bytes projects wrote); returns the response body."""
    from types import SimpleNamespace

    from werkzeug.routing import Map, Rule
    from werkzeug.test import EnvironBuilder

    from gateway.bootstrap import ensure_admin_token
    from gateway.entrypoints.service import GatewayService
    from gateway.http.auth import BearerAuth
    from gateway.http.cache import ReadCache
    from gateway.http.server import ProblemWebServer, ProblemWsgiApp

    migrate.upgrade("gateway", url)
    ensure_admin_token(TOKEN, url)
    engine = make_engine(url)

    class Projects:
        def list_tasks(self, params):
            return serialization.loads(reply)["result"]

    auth = BearerAuth()
    auth.database, auth.credentials = SimpleNamespace(engine=engine), None
    handler = GatewayService.list_tasks
    spec = handler.route_spec
    service = SimpleNamespace(read_cache=ReadCache(), projects=Projects())
    entrypoint = SimpleNamespace(spec=spec)

    class Route:  # what DispatchingRoute does around the worker, its spawn left out
        def handle_request(self, request):
            worker_ctx = SimpleNamespace(entrypoint=entrypoint, args=(request,), data={})
            service.auth = auth.get_dependency(worker_ctx)
            return handler(service, request)

    server = ProblemWebServer.__new__(ProblemWebServer)
    server.container = SimpleNamespace(service_name="gateway", config={})
    app = ProblemWsgiApp.__new__(ProblemWsgiApp)
    app.server, app.cors_origins = server, set()
    app.url_map = Map([Rule("/api/v1/tasks", endpoint=Route(), methods=["GET"])])
    environ = EnvironBuilder(path="/api/v1/tasks", query_string=QUERY, headers={
        "Authorization": f"Bearer {TOKEN}", "Cache-Control": "no-cache",
        "Accept-Encoding": "gzip, deflate", "Accept": "*/*"}).get_environ()

    def call():
        chunks = []
        body = app(dict(environ), lambda status, headers: chunks.append((status, headers)))
        data = b"".join(body)
        assert chunks[0][0].startswith("200"), (chunks, data[:300])
        return data

    return call


def cpu_per_call(call, calls, runs):
    """Best of ``runs`` of the CPU µs per call over ``calls`` calls (after a warm-up)."""
    for _ in range(20):
        call()
    best = None
    for _ in range(runs):
        started = time.process_time()
        for _ in range(calls):
            call()
        spent = (time.process_time() - started) / calls * 1e6
        best = spent if best is None else min(best, spent)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", choices=("projects", "gateway"))
    args = parser.parse_args()
    from tests.support import ADMIN

    with tempfile.TemporaryDirectory() as folder:
        sessions, count = seed_projects(f"sqlite:///{folder}/projects.db")
        projects = projects_call(sessions, ADMIN)
        reply = projects()
        gateway = gateway_call(f"sqlite:///{folder}/gateway.db", reply)
        if args.profile:
            call = projects if args.profile == "projects" else gateway
            for _ in range(args.calls):
                call()
            return
        print(f"{count} tasks in 20 regions; reply {len(reply)} bytes, answer "
              f"{len(gateway())} bytes; load average {os.getloadavg()[0]:.2f}", flush=True)
        print(f"projects list_tasks worker: {cpu_per_call(projects, args.calls, args.runs):7.0f}"
              f" µs CPU per call", flush=True)
        print(f"gateway GET /api/v1/tasks?{QUERY} (no-cache): "
              f"{cpu_per_call(gateway, args.calls, args.runs):7.0f} µs CPU per call", flush=True)


if __name__ == "__main__":
    main()
