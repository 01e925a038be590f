"""Every component's ``bootstrap`` module: the one place the composition root learns which
nameko class a component runs, which settings it refuses, where its migrations are and how
its reference data is loaded (``services/<name>/bootstrap.py``, ``gateway/bootstrap.py``).

A bootstrap's shape, the same in every component (nothing in it runs on import):

- ``service_class()``: the nameko service class ``kelisim serve <component>`` runs;
- ``migrations()``: the folder of its database's Alembic scripts (``env.py``, ``versions/``),
  registered with ``kelisim.db.migrate`` by ``register_migrations`` (on importing this
  module), so the core never names a component's package;
- ``load_reference_data(url=None)``: adds the shipped reference data missing from its
  database at ``url`` (default: its configured one), idempotent; the rows added;
- ``settings_problem(settings)``, where the component refuses a setting: one line naming a
  setting of ``settings`` (nameko's config dict) it would refuse once running, else None
  (checked before connecting to the broker). A component without it refuses none.
"""
import importlib
from types import ModuleType
from typing import Any

from kelisim.config import COMPONENTS
from kelisim.db import migrate

BOOTSTRAPS = {
    "registry": "services.registry.bootstrap",
    "projects": "services.projects.bootstrap",
    "reports": "services.reports.bootstrap",
    "notifications": "services.notifications.bootstrap",
    "gateway": "gateway.bootstrap",
}
assert set(BOOTSTRAPS) == set(COMPONENTS)


def bootstrap(component: str) -> ModuleType:
    """``component``'s bootstrap module (KeyError for an unknown component)."""
    return importlib.import_module(BOOTSTRAPS[component])


def service_class(component: str) -> type:
    """The nameko service class ``component`` runs."""
    cls: type = bootstrap(component).service_class()
    return cls


def settings_problem(component: str, settings: dict[str, Any]) -> str | None:
    """One line naming a setting ``component`` would refuse once running (checked before
    connecting to the broker), else None; e.g. the gateway's ``KELISIM_CORS_ORIGINS`` (no
    ``*``, origins only)."""
    check = getattr(bootstrap(component), "settings_problem", None)
    problem: str | None = check(settings) if check is not None else None
    return problem


def register_migrations() -> None:
    """Register every component's Alembic scripts (its bootstrap's ``migrations()``) with
    ``kelisim.db.migrate``, under the component's name."""
    for component in BOOTSTRAPS:
        migrate.register(component, bootstrap(component).migrations())


register_migrations()
