"""Two replicas of the projects service on one PostgreSQL database, called at once over RPC
(competing consumers of one queue, as a cluster runs them): slips, dependency changes and
edits of one project-year leave the schedule the rescheduler computes."""
import eventlet
from nameko.standalone.rpc import ServiceRpcProxy

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data as load_projects
from services.registry.adapters.repository import RegistryRepository
from services.registry.entrypoints.service import RegistryService
from services.registry.service_layer.reference import load_reference_data as load_registry
from tests.integration.projects.test_concurrent_changes import PROJECT, REGIONS, YEAR, Instances, _inconsistencies
from tests.support import ADMIN


def test_two_replicas_racing_slips_dependencies_and_edits_keep_the_schedule(
        start, service_config, postgres_url, migrated, session_factory, tmp_path):
    registry_url = migrated("registry", f"sqlite:///{tmp_path / 'registry.db'}")
    load_registry(UnitOfWork(session_factory(registry_url), Context(), RegistryRepository))
    migrated("projects", postgres_url)
    load_projects(UnitOfWork(session_factory(postgres_url), Context(), ProjectsRepository))
    start(RegistryService, registry_url)
    replicas = [start(ProjectsService, postgres_url) for _ in range(2)]
    config = service_config("projects", postgres_url)

    def call(method, *args):
        try:
            with ServiceRpcProxy("projects", config, context_data={"actor": ADMIN},
                                 timeout=60) as remote:
                return getattr(remote, method)(*args)
        except Exception as exc:  # noqa: BLE001 - the test looks at each outcome
            return exc

    rolled = call("rollout", PROJECT, {"year": YEAR, "regions": REGIONS})
    assert len(rolled["created"]) == 3
    data = Instances(postgres_url, session_factory)
    tasks = data.tasks()

    def slip(key, due):
        task = tasks[key]
        return ("update_task", task["id"], {"version": task["version"], "due_date": due,
                                            "reason": f"slip of {key}"})

    calls = [
        slip(("RGU", "rgu.method"), "2026-03-05"),
        slip(("KZ-61", "org.plan"), "2026-02-20"),
        slip(("KZ-75", "org.plan"), "2026-03-02"),
        slip(("KZ-11", "org.plan"), "2026-02-16"),
        ("add_dependency", tasks[("KZ-11", "mon.rooms")]["id"],
         {"predecessor_id": tasks[("KZ-11", "train.programme")]["id"], "lag": 3}),
        ("remove_dependency", tasks[("KZ-75", "mon.rooms")]["id"],
         tasks[("KZ-75", "org.approved")]["id"]),
        ("update_task", tasks[("RGU", "rgu.council-1")]["id"],
         {"version": tasks[("RGU", "rgu.council-1")]["version"], "title": "Совет (первый)"}),
        ("update_task", tasks[("RGU", "rgu.council-2")]["id"],
         {"version": tasks[("RGU", "rgu.council-2")]["version"], "progress": 10}),
    ]
    threads = [eventlet.spawn(call, *arguments) for arguments in calls]
    answers = [thread.wait() for thread in threads]

    assert [repr(a) for a in answers if isinstance(a, Exception)] == []
    assert len(replicas) == 2 and all(replica.started for replica in replicas)
    assert _inconsistencies(data) == []
    moved = data.tasks()
    assert sum(moved[key]["due_date"] != tasks[key]["due_date"] for key in tasks) > 40
