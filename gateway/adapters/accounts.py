"""Queries on accounts, sessions, one-time links and sign-in failures (and, inherited, tokens)."""
from collections import namedtuple

import sqlalchemy as sa

from gateway.adapters.orm import accounts, sessions
from gateway.adapters.repository import TokenRepository
from gateway.domain.accounts import Account
from gateway.domain.attachments import Attachment
from gateway.domain.sessions import AccountLink, Session
from gateway.domain.sso import SsoAttempt
from gateway.domain.throttle import SignInFailures
from gateway.domain.tokens import ApiToken
from kelisim.db.pages import page

# What every request made with a session cookie needs: the session and its account.
_SESSION = sa.select(
    sessions.c.id, sessions.c.account_id, sessions.c.expires_at, sessions.c.revoked_at,
    accounts.c.active, accounts.c.role, accounts.c.region_code, accounts.c.display_name_kk,
    accounts.c.display_name_ru, accounts.c.org_unit_name_kk, accounts.c.org_unit_name_ru,
).select_from(sessions.join(accounts, accounts.c.id == sessions.c.account_id)).where(
    sessions.c.secret_hash == sa.bindparam("secret_hash"))
SessionRow = namedtuple("SessionRow", [c.name for c in _SESSION.selected_columns])


class AccountRepository(TokenRepository):
    # attachments (gateway/service_layer/attachments.py)
    def add_attachment(self, attachment):
        self.session.add(attachment)

    def attachment(self, attachment_id):
        return self.session.get(Attachment, attachment_id)

    def attachments_of(self, owner_kind, owner_id):
        return self.session.scalars(sa.select(Attachment).where(
            Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id)
            .order_by(Attachment.id)).all()

    def delete_attachment(self, attachment):
        self.session.delete(attachment)

    def names(self, actor_ids):
        return names_of(self.session, actor_ids)

    def sso_attempt(self, state_hash):
        return sso_attempt(self.session, state_hash)

    def account(self, account_id):
        return self.session.get(Account, account_id)

    def account_by_login(self, login, for_update=False):
        """The account of ``login`` or None; ``for_update`` locks its row (PostgreSQL) so
        that sign-ins at once stamp it in turn."""
        query = sa.select(Account).where(Account.login == login)
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def account_by_person(self, person_id):
        return self.session.scalars(
            sa.select(Account).where(Account.person_id == person_id)).first()

    def accounts(self, region=None, role=None, limit=100, offset=0):
        """``(accounts, total)`` ordered by id, optionally of one region or role."""
        query = sa.select(Account)
        if region:
            query = query.where(Account.region_code == region)
        if role:
            query = query.where(Account.role == role)
        return page(self.session, query, (Account.id,), limit, offset)

    def any_active_admin(self):
        query = sa.select(Account).where(Account.role == "rgu_admin", Account.active.is_(True))
        return self.session.scalars(query.order_by(Account.id)).first()

    def add_any(self, item):
        self.session.add(item)

    # sessions
    def session_row(self, secret_hash):
        row = self.session.connection().execute(_SESSION, {"secret_hash": secret_hash}).first()
        return None if row is None else SessionRow(*row)

    def session_by_hash(self, secret_hash):
        return self.session.scalars(
            sa.select(Session).where(Session.secret_hash == secret_hash)).first()

    def live_sessions(self, account_id):
        return self.session.scalars(sa.select(Session).where(
            Session.account_id == account_id, Session.revoked_at.is_(None))).all()

    # personal tokens
    def tokens_of(self, account_id):
        return self.session.scalars(sa.select(ApiToken).where(
            ApiToken.account_id == account_id).order_by(ApiToken.id)).all()

    # one-time links
    def link_by_hash(self, token_hash):
        return self.session.scalars(
            sa.select(AccountLink).where(AccountLink.token_hash == token_hash)).first()

    def open_links(self, account_id):
        return self.session.scalars(sa.select(AccountLink).where(
            AccountLink.account_id == account_id, AccountLink.used_at.is_(None))).all()

    # sign-in failures
    def failures(self, keys):
        """The failure records of ``keys`` that exist, locked for update where it counts."""
        query = sa.select(SignInFailures).where(SignInFailures.key.in_(list(keys)))
        return self.session.scalars(query.with_for_update()).all()


def names_of(session, actor_ids):
    """``{actor_id: (name, org_unit)}`` for the ``account:N`` and ``token:N`` ids among
    ``actor_ids`` that name an account or a token (a token: its name, no org unit)."""
    accounts_ids, token_ids = set(), set()
    for actor_id in actor_ids:
        kind, _, number = str(actor_id).partition(":")
        if number.isdigit() and kind in ("account", "token"):
            (accounts_ids if kind == "account" else token_ids).add(int(number))
    found = {}
    if accounts_ids:
        for account in session.scalars(sa.select(Account).where(Account.id.in_(accounts_ids))):
            found[f"account:{account.id}"] = (account.actor()["name"], account.actor()["org_unit"])
    if token_ids:
        for token in session.scalars(sa.select(ApiToken).where(ApiToken.id.in_(token_ids))):
            found[f"token:{token.id}"] = (token.name, None)
    return found


def sso_attempt(session, state_hash):
    """The single sign-on attempt of a state's hash, or None."""
    return session.scalars(sa.select(SsoAttempt).where(
        SsoAttempt.state_hash == state_hash)).first()
