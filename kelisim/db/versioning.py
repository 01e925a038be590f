"""Optimistic locking helpers shared by every service layer."""
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from kelisim.errors import StaleVersion
from kelisim.i18n import Msg, _


def check_version(entity: Any, expected: int, what: str | Msg = "record") -> None:
    """StaleVersion (409) unless ``entity.version`` is ``expected``."""
    if entity.version != expected:
        raise StaleVersion(
            _("{what} is at version {version}, not {expected}: reload and retry",
              what=what, version=entity.version, expected=expected),
            {"version": _("current version is {version}", version=entity.version)})


def apply_changes(entity: Any, changes: Mapping[str, Any]) -> list[str]:
    """Set each field of ``changes`` that differs; return the names that changed."""
    changed = []
    for name, value in changes.items():
        if getattr(entity, name) != value:
            setattr(entity, name, value)
            changed.append(name)
    return changed


@contextmanager
def concurrent_update_guard(what: str | Msg = "record") -> Iterator[None]:
    """Turn a lost race at UPDATE time into the same 409 as a stale version."""
    try:
        yield
    except StaleDataError:
        raise StaleVersion(_("{what} was changed by someone else: reload and retry",
                             what=what)) from None
