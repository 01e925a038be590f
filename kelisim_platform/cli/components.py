"""Which nameko service class each component runs."""
import importlib
from typing import Any

from kelisim.config import COMPONENTS

SERVICE_CLASSES = {
    "registry": "services.registry.entrypoints.service:RegistryService",
    "projects": "services.projects.entrypoints.service:ProjectsService",
    "reports": "services.reports.entrypoints.service:ReportsService",
    "notifications": "services.notifications.entrypoints.service:NotificationsService",
    "gateway": "gateway.entrypoints.service:GatewayService",
}
assert set(SERVICE_CLASSES) == set(COMPONENTS)


def service_class(component: str) -> type:
    module, name = SERVICE_CLASSES[component].split(":")
    cls: type = getattr(importlib.import_module(module), name)
    return cls


def settings_problem(component: str, settings: dict[str, Any]) -> str | None:
    """One line naming a setting ``component`` would refuse once running (checked before
    connecting to the broker), else None. The gateway: ``KELISIM_CORS_ORIGINS`` (no ``*``,
    origins only; gateway/http/cors.py)."""
    if component == "gateway":
        from gateway.http.cors import parse_origins

        try:
            parse_origins(settings.get("CORS_ORIGINS"))
        except ValueError as exc:
            return str(exc)
    return None
