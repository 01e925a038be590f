"""The events register through the gateway: registry, projects, reports and the gateway
running for real on a per-test vhost (SQLite), the reference data loaded."""
import pytest

from kelisim.context import Context
from kelisim.db.uow import UnitOfWork
from services.projects.adapters.repository import ProjectsRepository
from services.projects.entrypoints.service import ProjectsService
from services.projects.service_layer.reference import load_reference_data as load_projects
from services.reports.adapters.repository import ReportsRepository
from services.reports.entrypoints.service import ReportsService
from services.reports.service_layer.register import load_reference_kinds
from services.reports.service_layer.targets import load_reference_targets


@pytest.fixture
def reports_url(migrated, session_factory, tmp_path):
    url = migrated("reports", f"sqlite:///{tmp_path / 'reports.db'}")
    load_reference_kinds(UnitOfWork(session_factory(url), Context(), ReportsRepository))
    load_reference_targets(UnitOfWork(session_factory(url), Context(), ReportsRepository))
    return url


@pytest.fixture
def platform(start_gateway, start, migrated, session_factory, reports_url, tmp_path):
    """(gateway, reports container): registry, projects, reports and the gateway."""
    gateway = start_gateway()
    projects_url = migrated("projects", f"sqlite:///{tmp_path / 'projects.db'}")
    load_projects(UnitOfWork(session_factory(projects_url), Context(), ProjectsRepository))
    start(ProjectsService, projects_url)
    service = start(ReportsService, reports_url, REPORTS_JOB_EAGER=False)
    return gateway, service
