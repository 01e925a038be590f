"""Which nameko service class each component runs."""
import importlib

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
