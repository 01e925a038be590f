"""Accounts of the RGU's and the KGUs' staff: who signs in, in which role and region.

An account may be tied to one person of the registry (``person_id``, unique) and carries the
names shown wherever that person acts: a display name in Kazakh and Russian and the name of
their org unit. The role set is the platform's (:data:`kelisim.access.ROLES`).
"""
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kelisim.access import ROLES
from kelisim.errors import Forbidden, Invalid
from kelisim.i18n import Msg, _

ADMIN, COORDINATOR, OBSERVER = "rgu_admin", "kgu_coordinator", "observer"
MAX_NAME = 200
MAX_LOGIN = 254
_LOGIN = re.compile(r"^[^@\s]{1,64}@[^@\s]+$")
_REGION = re.compile(r"^KZ-\d{2}$")
# what an administrator may change with PATCH (login, person and password are not here)
CHANGEABLE = ("display_name_kk", "display_name_ru", "role", "region_code", "active")


def normalise_login(login: str | None) -> str:
    """Logins are e-mail addresses compared without case or surrounding blanks."""
    return (login or "").strip().lower()


@dataclass
class Account:
    login: str
    display_name_kk: str
    display_name_ru: str
    role: str
    created_at: datetime
    region_code: str | None = None
    person_id: int | None = None
    org_unit_id: int | None = None
    org_unit_name_kk: str | None = None
    org_unit_name_ru: str | None = None
    active: bool = True
    password_hash: str | None = None
    last_sign_in_at: datetime | None = None
    disabled_at: datetime | None = None
    version: int = 1
    id: int | None = None

    def check(self) -> None:
        """Raise :class:`Invalid` unless login, names, role and region agree."""
        errors: dict[str, Msg] = {}
        if not _LOGIN.match(self.login or "") or len(self.login) > MAX_LOGIN:
            errors["login"] = _("an e-mail address")
        names = ("display_name_kk", "display_name_ru")
        if not any((getattr(self, name) or "").strip() for name in names):
            for name in names:
                errors[name] = _("give a display name in Kazakh or Russian (at least one)")
        for name in names:
            value = getattr(self, name)
            if name not in errors and (not value or not value.strip()
                                       or len(value) > MAX_NAME):
                errors[name] = _("1 to {max_name} characters", max_name=MAX_NAME)
        if self.role not in ROLES:
            errors["role"] = _("must be one of {roles}", roles=", ".join(ROLES))
        elif self.role == COORDINATOR and not self.region_code:
            errors["region_code"] = _("a KGU coordinator is bound to one region")
        elif self.role != COORDINATOR and self.region_code:
            errors["region_code"] = _("only a KGU coordinator is bound to a region")
        elif self.region_code and not _REGION.match(self.region_code):
            errors["region_code"] = _("not a region code like KZ-61")
        if errors:
            raise Invalid(_("the account is not consistent"), errors)

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def disable(self, now: datetime) -> None:
        if self.active:
            self.active = False
            self.disabled_at = now

    def enable(self) -> None:
        self.active = True
        self.disabled_at = None

    def actor(self) -> dict[str, Any]:
        """The principal travelling with every RPC call made for this account."""
        return actor_of(self.id, self.role, self.region_code, self.display_name_kk,
                        self.display_name_ru, self.org_unit_name_kk, self.org_unit_name_ru)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "login": self.login, "display_name_kk": self.display_name_kk,
            "display_name_ru": self.display_name_ru, "role": self.role,
            "region_code": self.region_code, "person_id": self.person_id,
            "org_unit_id": self.org_unit_id, "org_unit_name_kk": self.org_unit_name_kk,
            "org_unit_name_ru": self.org_unit_name_ru, "active": self.active,
            "has_password": self.has_password,
            "last_sign_in_at": _iso(self.last_sign_in_at),
            "created_at": _iso(self.created_at), "disabled_at": _iso(self.disabled_at),
            "version": self.version,
        }


def actor_of(account_id: int | None, role: str, region: str | None, name_kk: str | None,
             name_ru: str | None, unit_kk: str | None = None,
             unit_ru: str | None = None) -> dict[str, Any]:
    """``{"id": "account:N", "role", "region", "name", "org_unit"}``: ``name`` and
    ``org_unit`` are "Kazakh / Russian" (one of them when both are the same)."""
    return {"id": f"account:{account_id}", "role": role, "region": region,
            "name": _both(name_kk, name_ru), "org_unit": _both(unit_kk, unit_ru)}


def _both(kk: str | None, ru: str | None) -> str | None:
    if kk and ru and kk != ru:
        return f"{kk} / {ru}"
    return kk or ru or None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def ensure_may_manage(actor: dict[str, Any], role: str, region_code: str | None) -> None:
    """Raise :class:`Forbidden` unless ``actor`` may create or hold an account of ``role`` in
    ``region_code``: the RGU administrator any; a KGU coordinator only a coordinator of its
    own region (never an administrator, an observer or another region's account)."""
    if actor.get("role") in (ADMIN, "system"):
        return
    if actor.get("role") != COORDINATOR:
        raise Forbidden(_("only the RGU administrator and KGU coordinators manage accounts"))
    if role != COORDINATOR:
        raise Forbidden(_("a KGU coordinator cannot give the {role} role", role=role))
    if region_code != actor.get("region"):
        raise Forbidden(_("a KGU coordinator of {region} manages only that region",
                          region=actor.get("region")))
