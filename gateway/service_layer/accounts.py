"""Use cases on accounts: create, change, disable, list; one-time links and passwords.

Every function takes a unit of work over :class:`gateway.adapters.accounts.AccountRepository`
whose context names the acting principal (``uow.context.actor``); the region rules are those
of :mod:`kelisim.access` plus :func:`gateway.domain.accounts.ensure_may_manage`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.domain.accounts import CHANGEABLE, COORDINATOR, Account, ensure_may_manage, normalise_login
from gateway.domain.opaque import digest
from gateway.domain.sessions import INVITATION, RESET, AccountLink
from gateway.errors import LinkInvalid
from gateway.service_layer import hashing
from kelisim.access import scope_region
from kelisim.db.records import stored_id
from kelisim.db.types import utcnow
from kelisim.db.versioning import check_version, concurrent_update_guard
from kelisim.errors import Conflict, Invalid, NotFound
from kelisim.i18n import _
from kelisim.schemas import listing

if TYPE_CHECKING:
    from datetime import datetime

    from kelisim.db.uow import UnitOfWork

ENTITY = "account"


def _visible(uow: UnitOfWork, account_id: int) -> Account:
    """The account, if the actor may see it (another region's is not found)."""
    account = uow.repo.account(account_id)
    actor = uow.context.actor
    if account is None or (actor.get("role") == COORDINATOR
                           and account.region_code != actor.get("region")):
        raise NotFound(_("account {account_id} not found", account_id=account_id))
    return account


def create_account(uow: UnitOfWork, data: dict[str, Any], person: dict[str, Any] | None = None,
                   org_unit: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create an account from ``data`` (login, role, region_code, display names, person_id);
    ``person`` and ``org_unit`` are the registry's records when a person is named (their
    names are the defaults, the person's region the account's). At least one of
    ``display_name_kk`` / ``display_name_ru`` (or a person) is needed; a missing one takes the
    other's value (Kazakh first). Returns the account dict.
    Raises Invalid (422), Forbidden (403), Conflict (409: login or person taken)."""
    person = person or {}
    org_unit = org_unit or {}
    role = data["role"]
    region = data.get("region_code")
    if region is None and role == COORDINATOR:
        region = person.get("region_code")
    if person and role == COORDINATOR and person.get("region_code") not in (None, region):
        raise Invalid(_("the person works in another region"), {"region_code": _(
            "the person is in {region}", region=person.get("region_code"))})
    ensure_may_manage(uow.context.actor, role, region)
    with uow:
        account = Account(
            login=normalise_login(data["login"]),
            # at least one name is needed (Kazakh first); the other language shows it too.
            # No name at all is "", which check() refuses as it would None
            display_name_kk=data.get("display_name_kk") or data.get("display_name_ru")
            or person.get("full_name") or "",
            display_name_ru=data.get("display_name_ru") or data.get("display_name_kk")
            or person.get("full_name") or "",
            role=role, region_code=region, person_id=data.get("person_id"),
            org_unit_id=person.get("org_unit_id"),
            org_unit_name_kk=org_unit.get("name_kk"), org_unit_name_ru=org_unit.get("name_ru"),
            created_at=utcnow())
        account.check()
        if uow.repo.account_by_login(account.login) is not None:
            raise Conflict(_("the login name is taken"),
                           {"login": _("already has an account")})
        if account.person_id is not None and uow.repo.account_by_person(account.person_id):
            raise Conflict(_("the person has an account already"),
                           {"person_id": _("a person may have one account")})
        uow.repo.add_any(account)
        uow.flush()
        after = account.to_dict()
        uow.audit("create", ENTITY, account.id, after=after, region=account.region_code)
        uow.commit()
        return after


def get_account(uow: UnitOfWork, account_id: int) -> Any:
    with uow:
        return _visible(uow, account_id).to_dict()


def list_accounts(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    """``{"items", "total", "limit", "offset"}``; a coordinator sees its own region only."""
    region = scope_region(uow.context.actor, query.get("region"))
    with uow:
        rows, total = uow.repo.accounts(region, query.get("role"), query["limit"],
                                        query["offset"])
        return listing([a.to_dict() for a in rows], total, query)


def update_account(uow: UnitOfWork, account_id: int, data: dict[str, Any]) -> Any:
    """Change names, role, region or ``active`` (send the ``version`` read). Disabling ends
    every session, token and open link of the account in the same transaction."""
    with uow:
        account = _visible(uow, account_id)
        check_version(account, data["version"], _("account {id}", id=account_id))
        ensure_may_manage(uow.context.actor, account.role, account.region_code)
        before = account.to_dict()
        changes = {k: data[k] for k in CHANGEABLE if k in data}
        active = changes.pop("active", None)
        if "role" in changes and changes["role"] != COORDINATOR and "region_code" not in changes:
            changes["region_code"] = None
        for name, value in changes.items():
            setattr(account, name, value)
        account.check()
        ensure_may_manage(uow.context.actor, account.role, account.region_code)
        now = utcnow()
        if active is False:
            account.disable(now)
            end_everything(uow, account, now)
        elif active is True:
            account.enable()
        with concurrent_update_guard(_("account {id}", id=account_id)):
            uow.flush()
        after = account.to_dict()
        if after != before:
            action = "disable" if before["active"] and not account.active else "update"
            uow.audit(action, ENTITY, account.id, before=before, after=after,
                      region=account.region_code)
        uow.commit()
        return after


def end_everything(uow: UnitOfWork, account: Any, now: datetime) -> None:
    """End the account's sessions, revoke its tokens and void its open links."""
    for session in uow.repo.live_sessions(account.id):
        session.end(now)
    for token in uow.repo.tokens_of(account.id):
        token.revoke(now)
    for link in uow.repo.open_links(account.id):
        link.use(now)


def issue_link(uow: UnitOfWork, account_id: int,
               purpose: str | None = None) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A new single-use link for the account (an invitation until it has a password, then
    a reset); earlier open links stop working. Returns ``(account dict, link dict, token)``:
    the token goes into the e-mail only."""
    with uow:
        account = _visible(uow, account_id)
        ensure_may_manage(uow.context.actor, account.role, account.region_code)
        if not account.active:
            raise Conflict(_("the account is disabled"), {"active": _("enable it first")})
        result = _issue(uow, account, purpose)
        uow.commit()
        return result


def _issue(uow: UnitOfWork, account: Account,
           purpose: str | None = None) -> tuple[dict[str, Any], dict[str, Any], str]:
    now = utcnow()
    for old in uow.repo.open_links(account.id):
        old.use(now)
    purpose = purpose or (RESET if account.has_password else INVITATION)
    link, token = AccountLink.issue(stored_id(account), purpose, now=now)
    uow.repo.add_any(link)
    uow.flush()
    uow.audit("issue_link", ENTITY, account.id, after={"purpose": purpose,
                                                       "expires_at": link.expires_at.isoformat()},
              region=account.region_code)
    return account.to_dict(), {"purpose": purpose, "expires_at": link.expires_at}, token


def request_reset(uow: UnitOfWork, login: str) -> Any:
    """A reset link for an active account with this login, else None (the caller answers
    the same either way). Returns ``(account dict, link dict, token)`` or None."""
    with uow:
        account = uow.repo.account_by_login(normalise_login(login))
        if account is None or not account.active:
            return None
        result = _issue(uow, account)
        uow.commit()
        return result


def set_password(uow: UnitOfWork, token: str, password: str) -> dict[str, Any]:
    """Set a password through a link: the link is used up, the account's sessions end.
    Raises LinkInvalid (403) for an unknown, used or expired link, Invalid (422) for a weak
    password (the link then stays usable)."""
    if not isinstance(token, str) or not token or len(token) > 256:
        raise LinkInvalid()
    password_hash = hashing.hash_password(password)
    with uow:
        now = utcnow()
        link = uow.repo.link_by_hash(digest(token))
        if link is None or not link.usable(now):
            raise LinkInvalid()
        account = uow.repo.account(link.account_id)
        if account is None or not account.active:
            raise LinkInvalid()
        link.use(now)
        account.password_hash = password_hash
        for session in uow.repo.live_sessions(account.id):
            session.end(now)
        uow.audit("set_password", ENTITY, account.id, after={"via": link.purpose},
                  region=account.region_code)
        uow.commit()
        return account.to_dict()


def ensure_first_admin(uow: UnitOfWork, login: str, name: str) -> Any:
    """For ``make run``: an ``rgu_admin`` account with ``login`` when there is no active
    administrator account. Returns a set-password token when that account still has no
    password (a new link each call), else None."""
    with uow:
        account = uow.repo.account_by_login(normalise_login(login))
        if account is None:
            if uow.repo.any_active_admin() is not None:
                return None
            account = Account(login=normalise_login(login), display_name_kk=name,
                              display_name_ru=name, role="rgu_admin", created_at=utcnow())
            account.check()
            uow.repo.add_any(account)
            uow.flush()
            uow.audit("create", ENTITY, account.id, after=account.to_dict())
        if account.has_password or not account.active:
            uow.commit()
            return None
        _, _, token = _issue(uow, account, INVITATION)
        uow.commit()
        return token
