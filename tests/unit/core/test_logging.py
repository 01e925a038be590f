"""Logs lose nothing: tracebacks are text in JSON, a value whose repr fails (an ORM object
whose session is closed) is written safely, in both formats (kelisim/logging.py)."""
import io
import json
import logging

import pytest
import sqlalchemy as sa
import structlog
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from kelisim import logging as kelisim_logging


class Base(DeclarativeBase):
    pass


class Task(Base):
    __tablename__ = "task"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]

    def __repr__(self):
        return f"<Task {self.id} {self.title}>"  # loads expired attributes: fails when detached


@pytest.fixture
def detached_task():
    """A Task whose attributes expired at commit and whose session is closed: its repr
    raises DetachedInstanceError, as ORM objects in nameko's records did."""
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        task = Task(id=1, title="Тренинг")
        session.add(task)
        session.commit()
    with pytest.raises(sa.orm.exc.DetachedInstanceError):
        repr(task)
    yield task
    engine.dispose()


@pytest.fixture
def logs():
    """``logs(fmt)``: configure logging to a buffer; returns a function giving its lines.
    The previous configuration comes back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    config = structlog.get_config()
    buffers = []

    def configure(fmt):
        buffer = io.StringIO()
        buffers.append(buffer)
        kelisim_logging.configure("probe", "DEBUG", fmt, stream=buffer)
        return lambda: buffer.getvalue().splitlines()

    yield configure
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)
    structlog.contextvars.clear_contextvars()


def test_a_standard_library_traceback_is_text_in_json(logs):
    lines = logs("json")
    try:
        raise ValueError("the broker said no")
    except ValueError:
        logging.getLogger("kombu.connection").exception("connection lost")

    (line,) = lines()
    record = json.loads(line)
    assert record["event"] == "connection lost" and record["level"] == "error"
    assert record["service"] == "probe"
    assert "Traceback (most recent call last)" in record["exception"]
    assert "ValueError: the broker said no" in record["exception"]
    assert "traceback object" not in line


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_no_record_is_lost_when_a_value_cannot_be_rendered(logs, detached_task, fmt, capsys):
    lines = logs(fmt)
    task = detached_task
    structlog.get_logger("probe").info("structlog record", task=task, tasks=[task])
    logging.getLogger("nameko.probe").info("stdlib record %s", task)
    try:
        raise RuntimeError("handler failed")
    except RuntimeError:  # the frame's locals hold the task: a locals-showing traceback fails
        logging.getLogger("nameko.containers").exception("error handling worker %s", task)

    written = "\n".join(lines())
    for event in ("structlog record", "stdlib record", "error handling worker"):
        assert event in written, f"{fmt}: {event!r} was lost"
    assert "repr failed: DetachedInstanceError" in written
    assert "RuntimeError: handler failed" in written
    assert "Logging error" not in capsys.readouterr().err
    if fmt == "json":
        assert len(lines()) == 3 and all(json.loads(line) for line in lines())


def test_an_expected_worker_error_is_one_line_without_traceback(logs):
    lines = logs("json")
    try:
        raise LookupError("org unit 9 not found")
    except LookupError as exc:  # what nameko writes for a worker's expected exception
        logging.getLogger("nameko.containers").warning(
            "(expected) error handling worker %s: %s", "<WorkerContext>", exc, exc_info=True)

    (line,) = lines()
    record = json.loads(line)
    assert record["event"].endswith("org unit 9 not found")
    assert "exception" not in record and "exc_info" not in record
    assert "traceback" not in line.lower()
