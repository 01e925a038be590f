"""Every component's ``bootstrap`` module: the one place the composition root learns which
nameko class a component runs, which settings it refuses and how its reference data is
loaded (``services/<name>/bootstrap.py``, ``gateway/bootstrap.py``, all of one shape)."""
import importlib
from types import ModuleType
from typing import Any

from kelisim.config import COMPONENTS

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
    problem: str | None = bootstrap(component).settings_problem(settings)
    return problem
