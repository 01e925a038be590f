"""What the projects service builds as it starts, so that no request pays for it."""
from kelisim.workdays.kazakhstan import kazakhstan
from services.projects.entrypoints.service import ProjectsService


def test_the_working_calendar_is_built_when_the_service_starts(container_factory,
                                                               service_config, projects_db):
    kazakhstan.cache_clear()
    container = container_factory(ProjectsService, service_config("projects", projects_db))
    container.start()
    try:
        assert kazakhstan.cache_info().currsize == 1  # before any request
    finally:
        container.kill()
