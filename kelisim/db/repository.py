"""What every service's repository starts from: one SQLAlchemy session and the writes that
only hand an entity to it. A repository adds its own queries (``uow.repo``)."""
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session


class SessionRepository:
    """A repository over ``session`` (the unit of work's): ``add``, ``add_all`` and
    ``delete`` stage entities for the unit of work's commit."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entity: Any) -> None:
        self.session.add(entity)

    def add_all(self, entities: Iterable[Any]) -> None:
        self.session.add_all(entities)

    def delete(self, entity: Any) -> None:
        self.session.delete(entity)
