"""What the events register asks other services over RPC, as the caller (the actor travels
with the call, so a coordinator learns nothing of another region): org units and structures
from the registry, plan tasks and projects from projects. Each answer is a dict, or None
when the record does not exist or the caller may not read it.

Wraps the proxies so the service layer sees plain methods (and unit tests a stand-in).
"""
from kelisim.errors import NotFound
from services.registry.contract.client import RegistryClient


class Lookups:
    def __init__(self, registry, projects):
        self.registry = RegistryClient(registry)
        self.projects = projects

    @staticmethod
    def _found(call, *args):
        try:
            return call(*args)
        except NotFound:
            return None

    def org_unit(self, unit_id):
        """``{id, kind, region_code, ...}`` of a registry org unit."""
        return self._found(self.registry.org_unit, unit_id)

    def kgu_of(self, region_code):
        """The KGU org unit of a region."""
        found = self._found(self.registry.kgu_of, region_code)
        return found["org_unit"] if found else None

    def structure(self, structure_id):
        """``{id, type, org_unit_id, region_code, ...}`` of a registry public structure."""
        return self._found(self.registry.structure, structure_id)

    def structure_types(self):
        """The codes of the registry's public structure types, as a set."""
        return self.registry.structure_types()

    def task(self, task_id):
        """``{id, plan_id, project_code, region_code, ...}`` of a plan task."""
        return self._found(self.projects.get_task, task_id)

    def project(self, code):
        """The base project (or programme) ``code``."""
        return self._found(self.projects.get_project, code)

    def plan(self, plan_id):
        """``{id, project_code, region_code, year, ...}`` of a plan."""
        return self._found(self.projects.get_plan, plan_id)
