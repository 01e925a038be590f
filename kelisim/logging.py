"""structlog set-up: one JSON object per line, with service, entrypoint and correlation id.

The context is bound per worker by :class:`kelisim.context.RequestContext`; eventlet
greenthreads are greenlets, and each greenlet has its own contextvars context.

Every record is written, whatever it holds (``KELISIM_LOG_FORMAT`` ``json`` or
``console``):

- the traceback of an error is text (``exception``), for structlog's records and for the
  standard library's (nameko, kombu) alike, never ``<traceback object at …>``; tracebacks
  are plain (no local variables: their ``repr`` may itself fail, or leak data);
- a value whose ``repr`` fails (an ORM object whose session is closed raises
  ``DetachedInstanceError``) is written as ``<Class (repr failed: Error)>``, and a record
  that cannot be rendered at all is still written, with what could be rendered;
- an *expected* error of a worker (nameko's ``(expected) error handling worker …``: a
  KelisimError, answered as a 4xx problem) is one line without a traceback.
"""
import logging
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from kelisim import config as settings

EventDict = MutableMapping[str, Any]

_PLAIN = (str, int, float, bool, type(None))
_MAX_DEPTH = 8


def safe_repr(value: object) -> str:
    """``repr(value)``, or ``<Class (repr failed: Error)>`` when that raises."""
    try:
        return repr(value)
    except Exception as exc:  # noqa: BLE001  (any repr may fail; the record must not)
        return f"<{type(value).__name__} (repr failed: {type(exc).__name__})>"


def _plain(value: Any, depth: int = 0) -> Any:
    """``value`` with anything not JSON-native replaced by its safe repr."""
    if isinstance(value, _PLAIN):
        return value
    if depth < _MAX_DEPTH:
        if isinstance(value, dict):
            return {str(k) if isinstance(k, _PLAIN) else safe_repr(k): _plain(v, depth + 1)
                    for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [_plain(v, depth + 1) for v in value]
    return safe_repr(value)


def _defensive(logger: Any, method_name: str, event_dict: EventDict) -> EventDict:
    """A structlog processor: every value rendered safely (after exc_info became text)."""
    return {key: value if key.startswith("_") else _plain(value)
            for key, value in event_dict.items()}


def _expected_errors_in_one_line(logger: Any, method_name: str, event_dict: EventDict) -> EventDict:
    """nameko logs a worker's expected exception with its traceback: drop it."""
    record = event_dict.get("_record")
    if record is not None and record.name == "nameko.containers" and str(
            record.msg).startswith("(expected)"):
        event_dict.pop("exc_info", None)
    return event_dict


class _Rendering:
    """The renderer, with a last resort: a record it fails on is written anyway."""

    def __init__(self, renderer: Any) -> None:
        self.renderer = renderer

    def __call__(self, logger: Any, method_name: str, event_dict: EventDict) -> Any:
        try:
            return self.renderer(logger, method_name, event_dict)
        except Exception as exc:  # noqa: BLE001
            fallback = {k: safe_repr(v) if not isinstance(v, str) else v
                        for k, v in event_dict.items() if not k.startswith("_")}
            fallback["render_error"] = safe_repr(exc)
            return structlog.processors.JSONRenderer(ensure_ascii=False)(
                logger, method_name, fallback)


class _SafeFormatter(structlog.stdlib.ProcessorFormatter):
    """A standard-library record whose message cannot be formatted (``%s`` of an object
    whose ``str`` fails) is written with its arguments' safe reprs instead."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            return super().format(record)
        except Exception:  # noqa: BLE001
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.msg = f"{safe_repr(record.msg)} % ({', '.join(map(safe_repr, args))})"
            record.args = ()
            return super().format(record)


def configure(service: str, level: str | None = None, fmt: str | None = None,
              stream: TextIO | None = None) -> None:
    """Route structlog and the standard library to ``stream`` (stderr) as JSON lines, or
    human-readable lines for ``fmt`` (``KELISIM_LOG_FORMAT``) ``console``, at ``level``
    (``KELISIM_LOG_LEVEL``, INFO), every record carrying ``service``."""
    level = (level or settings.log_level()).upper()
    fmt = fmt or settings.log_format()
    stream = stream or sys.stderr
    renderer = _Rendering(
        structlog.dev.ConsoleRenderer(colors=False,
                                      exception_formatter=structlog.dev.plain_traceback)
        if fmt == "console"
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    tail: list[Any] = [structlog.processors.format_exc_info, _defensive, renderer]
    structlog.configure(
        processors=shared + tail,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=True,
    )
    # Route the standard library (nameko, kombu) through the same renderer.
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        _SafeFormatter(foreign_pre_chain=shared, processors=[
            _expected_errors_in_one_line,
            structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tail])
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str | None = None) -> Any:
    """structlog's logger (a lazy proxy until first use), ``name`` bound as its logger name."""
    return structlog.get_logger(name)
