"""Optimistic locking helpers shared by every service layer."""
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from kelisim.errors import StaleVersion


def check_version(entity, expected, what="record"):
    if entity.version != expected:
        raise StaleVersion(
            f"{what} is at version {entity.version}, not {expected}: reload and retry",
            {"version": f"current version is {entity.version}"})


def apply_changes(entity, changes):
    """Set each field of ``changes`` that differs; return the names that changed."""
    changed = []
    for name, value in changes.items():
        if getattr(entity, name) != value:
            setattr(entity, name, value)
            changed.append(name)
    return changed


@contextmanager
def concurrent_update_guard(what="record"):
    """Turn a lost race at UPDATE time into the same 409 as a stale version."""
    try:
        yield
    except StaleDataError:
        raise StaleVersion(f"{what} was changed by someone else: reload and retry") from None
