"""structlog set-up: one JSON object per line, with service, entrypoint and correlation id.

The context is bound per worker by :class:`kelisim.context.RequestContext`; eventlet
greenthreads are greenlets, and each greenlet has its own contextvars context.
"""
import logging
import os
import sys

import structlog


def configure(service, level=None, fmt=None):
    level = (level or os.environ.get("KELISIM_LOG_LEVEL") or "INFO").upper()
    fmt = fmt or os.environ.get("KELISIM_LOG_FORMAT") or "json"
    renderer = (
        structlog.dev.ConsoleRenderer(colors=False)
        if fmt == "console"
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=shared + [structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    # Route the standard library (nameko, kombu) through the same renderer.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer])
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name=None):
    return structlog.get_logger(name)
