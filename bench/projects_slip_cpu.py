"""The slip's RPC in this process (issue 17): the CPU the projects service spends on
``update_task`` of the RGU milestone heading bench/projects_slip.py's 10 001-task graph
(moved 5 working days later, 10 000 tasks rescheduled in 20 regions), without the rest of
the platform: no broker, no other services, so it can be profiled and run while the
machine is shared (note the load average beside the figures all the same).

On a throw-away PostgreSQL database (``--sqlite`` for a file) it builds the graph, then
moves the milestone ``--slips`` times (each a further 5 working days; each moves all
10 000), and prints per slip the use case's CPU and wall time (``time.process_time``,
``time.perf_counter``: ``tasks.update_task`` on a unit of work as the service's), the
CPU of serialising its answer as nameko's reply (``{"result": ..., "error": None}``
through :func:`kelisim.serialization.dumps`, kombu's ``json`` here) and the answer's size.

    .venv/bin/python bench/projects_slip_cpu.py [--slips 2] [--sqlite]
    /tmp/tools/bin/py-spy record -r 200 -f raw -o slip.raw -- \\
        .venv/bin/python bench/projects_slip_cpu.py
"""
import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import projects_common as common  # noqa: E402  (monkey-patches as the services run)
from projects_slip import PROJECT, build_graph  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from kelisim import serialization  # noqa: E402
from kelisim.context import Context  # noqa: E402
from kelisim.db.engine import make_engine  # noqa: E402
from kelisim.db.uow import UnitOfWork  # noqa: E402
from services.projects.adapters.repository import ProjectsRepository  # noqa: E402
from services.projects.service_layer import tasks  # noqa: E402
from services.projects.service_layer.common import work_calendar  # noqa: E402


def slip_once(sessions, head_id):
    """Move the head 5 working days later as the RPC does; ``(cpu, wall, dump_cpu, bytes,
    moved)`` of the use case and of its answer's serialisation."""
    context = Context(actor=dict(common.ADMIN), source="projects")
    head = tasks.get_task(UnitOfWork(sessions, context, ProjectsRepository), head_id)
    new_due = work_calendar().add(date.fromisoformat(head["due_date"]), 5)
    uow = UnitOfWork(sessions, context, ProjectsRepository)
    cpu, wall = time.process_time(), time.perf_counter()
    result = tasks.update_task(uow, head_id, {
        "version": head["version"], "due_date": new_due.isoformat(),
        "reason": "bench: the methodology is approved a week late"})
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    dump_cpu = time.process_time()
    body = serialization.dumps({"result": result, "error": None})
    dump_cpu = time.process_time() - dump_cpu
    return cpu, wall, dump_cpu, len(body), len(result["rescheduled"])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slips", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with common.databases(not args.sqlite) as urls:
        head_id, size = build_graph(urls["projects"])
        engine = make_engine(urls["projects"])
        try:
            sessions = sessionmaker(engine, expire_on_commit=False)
            for n in range(args.slips):
                cpu, wall, dump_cpu, size_bytes, moved = slip_once(sessions, head_id)
                print(f"slip {n + 1} of the {size}-task graph ({PROJECT}): {moved} moved; "
                      f"use case {cpu:.3f} s CPU ({wall:.3f} s wall), answer serialised "
                      f"{dump_cpu:.3f} s CPU ({size_bytes / 1e6:.2f} MB); until answered "
                      f"{cpu + dump_cpu:.3f} s CPU", flush=True)
        finally:
            engine.dispose()
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
