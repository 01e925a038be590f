"""SessionRepository.insert: a new record's row in one INSERT ... RETURNING, its id set."""
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, registry

from kelisim.db.repository import SessionRepository

metadata = sa.MetaData()
badges = sa.Table(
    "badges", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(20), nullable=False, unique=True),
    sa.Column("label_text", sa.String(50), nullable=True),  # mapped under another name
    sa.Column("version", sa.Integer, nullable=False, default=1),
)


@dataclass
class Badge:
    code: str
    label: str | None = None
    id: int | None = None
    version: int = 1


registry().map_imperatively(Badge, badges, version_id_col=badges.c.version,
                            properties={"label": badges.c.label_text})


@pytest.fixture
def session():
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_insert_writes_the_row_sets_the_id_and_leaves_the_session_alone(session):
    repo = SessionRepository(session)
    first, second = Badge("A-1", "бірінші"), Badge("A-2")

    repo.insert(first)
    repo.insert(second)

    assert (first.id, second.id) == (1, 2)
    assert first not in session and not session.new
    session.commit()
    assert session.execute(sa.select(badges).order_by(badges.c.id)).all() == [
        (1, "A-1", "бірінші", 1), (2, "A-2", None, 1)]
    loaded = session.get(Badge, 1)
    assert (loaded.code, loaded.label, loaded.version) == ("A-1", "бірінші", 1)


def test_a_refused_row_raises_integrity_error_as_a_flush_would(session):
    repo = SessionRepository(session)
    repo.insert(Badge("B-1"))
    taken = Badge("B-1")

    with pytest.raises(IntegrityError):
        repo.insert(taken)

    assert taken.id is None
