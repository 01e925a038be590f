"""What every service's repository starts from: one SQLAlchemy session and the writes that
only hand an entity to it. A repository adds its own queries (``uow.repo``)."""
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.util import identity_key


class SessionRepository:
    """A repository over ``session`` (the unit of work's): ``add``, ``add_all`` and
    ``delete`` stage entities for the unit of work's commit."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entity: Any) -> None:
        self.session.add(entity)

    def get(self, cls: type, key: Any) -> Any:
        """The ``cls`` record whose (single-column) primary key is ``key``, or None: what
        ``session.get(cls, key)`` answers. One the session holds is answered by
        ``session.get`` (its rules for a held object: expired attributes read again); any
        other is read by a statement built once per class, where ``session.get`` built,
        annotated and keyed its select on every call (a fifth of a risk write's CPU in
        projects, bench/README.md)."""
        if self.session.identity_map.get(identity_key(cls, key)) is not None:
            return self.session.get(cls, key)
        return self.session.scalars(_by_key_of(cls), {"key": key}).first()

    def insert(self, entity: Any) -> None:
        """Write the new ``entity`` (a mapped record whose ``id`` the database numbers) with
        one ``INSERT ... RETURNING id`` and set its ``id``: what a flush of one new object
        writes, without the session's unit-of-work bookkeeping, a tenth of a registry
        write's CPU (bench/README.md). The entity is not added to the session: change it
        no further in this unit of work. Every column but the id is written as the entity
        holds it (an attribute left None is NULL, the column's default is not applied),
        and nothing pending in the session is flushed first. Raises IntegrityError as a
        flush would."""
        statement, columns = _insert_of(type(entity))
        values = {column: getattr(entity, attribute) for column, attribute in columns}
        entity.id = self.session.execute(statement, values).scalar_one()

    def add_all(self, entities: Iterable[Any]) -> None:
        self.session.add_all(entities)

    def delete(self, entity: Any) -> None:
        self.session.delete(entity)


_Insert = tuple[Any, tuple[tuple[str, str], ...]]
_INSERTS: dict[type, _Insert] = {}


def _insert_of(cls: type) -> _Insert:
    """The INSERT ... RETURNING id of ``cls``'s table, built once, and its ``(column,
    attribute)`` pairs but the id."""
    built = _INSERTS.get(cls)
    if built is None:
        mapper: Mapper[Any] = sa.inspect(cls)
        table: Any = mapper.local_table
        columns = tuple((prop.columns[0].key, prop.key) for prop in mapper.column_attrs
                        if prop.key != "id")
        built = _INSERTS[cls] = (table.insert().returning(table.c.id), columns)
    return built


_BY_KEY: dict[type, Any] = {}


def _by_key_of(cls: type) -> Any:
    """``SELECT`` of the ``cls`` record whose primary key is ``:key``, built once."""
    built = _BY_KEY.get(cls)
    if built is None:
        mapper: Mapper[Any] = sa.inspect(cls)
        (key,) = mapper.primary_key  # one column: a composite key would need its parts
        built = _BY_KEY[cls] = sa.select(cls).where(key == sa.bindparam("key"))
    return built
