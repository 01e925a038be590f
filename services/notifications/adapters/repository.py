"""Queries of the notifications database, over one SQLAlchemy session."""
import operator
from datetime import timedelta

import sqlalchemy as sa

from kelisim.db import bulk, pages
from kelisim.db.filters import where_given
from kelisim.db.repository import SessionRepository
from services.notifications.adapters import orm
from services.notifications.domain.model import (
    Attempt,
    Delivery,
    InboxItem,
    LanguagePreference,
    Preference,
    ReceivedEvent,
    Webhook,
)

D = orm.deliveries.c
_DELIVERY_COLUMNS = tuple(c.key for c in orm.deliveries.columns if c.key != "id")
_DELIVERY_VALUES = operator.attrgetter(*_DELIVERY_COLUMNS)
CLAIM_WINDOW = 10  # due rows looked at per free worker when a choice is made among them


class NotificationsRepository(SessionRepository):
    """The notifications service's queries (``uow.repo``)."""

    def insert_rows(self, events=(), inbox_items=(), deliveries=()):
        """Write what an intake batch made with one INSERT per table, no ORM objects
        (:func:`kelisim.db.bulk.insert_rows`: one ``INSERT ... SELECT FROM unnest`` of
        arrays on PostgreSQL, an executemany on SQLite): ``events`` and ``inbox_items`` as
        row dicts of every column (but ``id``), ``deliveries`` as :class:`DeliveryRecord`
        (or :class:`Delivery`) objects, read column by column. Raises IntegrityError on a
        duplicate key, as a flush of the same objects would."""
        for table, rows in ((orm.received_events, events), (orm.inbox_items, inbox_items),
                            (orm.deliveries, [_delivery_row(d) for d in deliveries])):
            bulk.insert_rows(self.session, table, list(rows))

    # events
    def event(self, event_id):
        return self.get(ReceivedEvent, event_id)

    def events(self, event_ids):
        """Load these events at once (later ``event(id)`` calls find them in the session)."""
        ids = sorted(set(event_ids))
        if not ids:
            return []
        return self.session.scalars(sa.select(ReceivedEvent).where(
            ReceivedEvent.event_id.in_(ids))).all()

    def is_processed(self, event_id, consumer):
        processed = orm.metadata.tables["processed_events"].c
        return self.session.execute(
            sa.select(processed.event_id).where(processed.event_id == event_id,
                                                processed.consumer == consumer)).first() is not None

    # inbox
    def inbox_item(self, item_id):
        return self.get(InboxItem, item_id)

    def _inbox_query(self, org_unit_id, *, unread=None, event_type=None, since=None,
                     archived=False):
        query = sa.select(InboxItem).where(InboxItem.org_unit_id == org_unit_id)
        if unread is not None:
            query = query.where(InboxItem.read_at.is_(None) if unread
                                else InboxItem.read_at.is_not(None))
        if event_type:
            query = query.where(InboxItem.event_type == event_type)
        if since is not None:
            query = query.where(InboxItem.created_at >= since)
        if archived is not None:
            query = query.where(InboxItem.archived_at.is_not(None) if archived
                                else InboxItem.archived_at.is_(None))
        return query

    def inbox(self, org_unit_id, *, limit=50, offset=0, **filters):
        query = self._inbox_query(org_unit_id, **filters)
        return pages.page(self.session, query, (InboxItem.created_at.desc(), InboxItem.id.desc()),
                    limit, offset)

    def unread_count(self, org_unit_id):
        query = self._inbox_query(org_unit_id, unread=True)
        return pages.count(self.session, query)

    def mark_all_read(self, org_unit_id, now, event_type=None):
        table = orm.inbox_items
        query = table.update().where(table.c.org_unit_id == org_unit_id,
                                     table.c.read_at.is_(None))
        if event_type:
            query = query.where(table.c.event_type == event_type)
        return self.session.execute(query.values(read_at=now)).rowcount

    # deliveries
    def delivery(self, delivery_id):
        return self.get(Delivery, delivery_id)

    def deliveries_by_id(self, delivery_ids):
        if not delivery_ids:
            return []
        query = sa.select(Delivery).where(Delivery.id.in_(list(delivery_ids)))
        found = {d.id: d for d in self.session.scalars(query)}
        return [found[i] for i in delivery_ids if i in found]

    def deliveries_of_event(self, event_id):
        query = sa.select(Delivery).where(Delivery.event_id == event_id).order_by(Delivery.id)
        return self.session.scalars(query).all()

    def deliveries(self, *, region=None, org_unit_id=None, channel=None, status=None,
                   event_id=None, webhook_id=None, limit=50, offset=0):
        query = sa.select(Delivery)
        for column, value in ((Delivery.region_code, region), (Delivery.org_unit_id, org_unit_id),
                              (Delivery.channel, channel), (Delivery.status, status),
                              (Delivery.event_id, event_id), (Delivery.webhook_id, webhook_id)):
            if value is not None:
                query = query.where(column == value)
        return pages.page(self.session, query, (Delivery.id.desc(),), limit, offset)

    def attempts_of(self, delivery_ids):
        if not delivery_ids:
            return {}
        query = (sa.select(Attempt).where(Attempt.delivery_id.in_(delivery_ids))
                 .order_by(Attempt.id))
        found = {}
        for attempt in self.session.scalars(query):
            found.setdefault(attempt.delivery_id, []).append(attempt)
        return found

    def claim_due(self, channel, now, limit, lease, choose=None, skip_webhooks=(),
                  skip_regions=()):
        """Lease up to ``limit`` due deliveries of ``channel``; their ids, oldest first.

        ``choose(rows)``, given up to ``CLAIM_WINDOW`` times more due rows (``id``,
        ``target``, ``webhook_id``, ``region_code``), returns the ids to lease;
        ``skip_webhooks``: ids of webhooks whose deliveries are not looked at;
        ``skip_regions``: region codes whose deliveries are not looked at."""
        if limit <= 0:
            return []
        table = orm.deliveries
        query = sa.select(D.id, D.target, D.webhook_id, D.region_code).where(
            D.channel == channel, D.status == "pending", D.next_attempt_at <= now)
        if skip_webhooks:
            query = query.where(sa.or_(D.webhook_id.is_(None),
                                       D.webhook_id.not_in(sorted(skip_webhooks))))
        if skip_regions:
            query = query.where(sa.or_(D.region_code.is_(None),
                                       D.region_code.not_in(sorted(skip_regions))))
        window = limit if choose is None else limit * CLAIM_WINDOW
        rows = self.session.execute(query.order_by(D.next_attempt_at, D.id).limit(window)
                                    .with_for_update(skip_locked=True)).all()
        ids = [row.id for row in rows] if choose is None else list(choose(rows))
        if ids:
            self.session.execute(table.update().where(D.id.in_(ids)).values(
                status="sending", claimed_until=now + timedelta(seconds=lease)))
        return list(ids)

    def next_due_at(self, channel):
        return self.session.scalar(sa.select(sa.func.min(D.next_attempt_at)).where(
            D.channel == channel, D.status == "pending"))

    def stale(self, channel, now):
        query = sa.select(Delivery).where(Delivery.channel == channel,
                                          Delivery.status == "sending",
                                          Delivery.claimed_until < now)
        return self.session.scalars(query).all()

    def undead_lettered(self, limit=100):
        query = (sa.select(Delivery).where(Delivery.status == "dead",
                                           Delivery.dead_lettered_at.is_(None))
                 .order_by(Delivery.id).limit(limit))
        return self.session.scalars(query).all()

    def unfinished_of_webhook(self, webhook_id):
        """Deliveries of the webhook waiting or in flight (``pending`` or ``sending``)."""
        query = sa.select(Delivery).where(Delivery.webhook_id == webhook_id,
                                          Delivery.status.in_(("pending", "sending")))
        return self.session.scalars(query).all()

    def due_digest_items(self, now):
        query = (sa.select(Delivery).where(Delivery.status == "digest", Delivery.due_at <= now)
                 .order_by(Delivery.recipient, Delivery.id))
        return self.session.scalars(query).all()

    def batch_digests(self, recipient, batch_key):
        """How many digests of one recipient's batch were composed already."""
        query = (sa.select(sa.func.count()).select_from(Delivery)
                 .where(Delivery.event_type == "digest", Delivery.recipient == recipient,
                        Delivery.batch_key == batch_key))
        return self.session.scalar(query)

    def batch_items(self, recipient, batch_key):
        """The e-mails held for one recipient's batch, due or not yet."""
        query = (sa.select(Delivery).where(Delivery.status == "digest",
                                           Delivery.recipient == recipient,
                                           Delivery.batch_key == batch_key)
                 .order_by(Delivery.id))
        return self.session.scalars(query).all()

    def digest_items(self, digest_id):
        query = sa.select(Delivery).where(Delivery.digest_id == digest_id).order_by(Delivery.id)
        return self.session.scalars(query).all()

    def backlog(self):
        """{channel: deliveries waiting (pending, sending or in a digest)}, and dead ones."""
        rows = self.session.execute(
            sa.select(D.channel, D.status, sa.func.count())
            .where(D.status.in_(("pending", "sending", "digest", "dead")))
            .group_by(D.channel, D.status)).all()
        waiting, dead = {}, {}
        for channel, status, count in rows:
            bucket = dead if status == "dead" else waiting
            bucket[channel] = bucket.get(channel, 0) + count
        return waiting, dead

    # webhooks
    def webhook(self, webhook_id):
        return self.get(Webhook, webhook_id)

    def webhooks(self, *, region=None, org_unit_id=None):
        query = sa.select(Webhook).where(Webhook.deleted_at.is_(None)).order_by(Webhook.id)
        query = where_given(query, (Webhook.region_code, region),
                            (Webhook.org_unit_id, org_unit_id))
        return self.session.scalars(query).all()

    def active_webhooks_of(self, org_unit_ids):
        if not org_unit_ids:
            return []
        query = sa.select(Webhook).where(Webhook.org_unit_id.in_(list(org_unit_ids)),
                                         Webhook.active.is_(True), Webhook.deleted_at.is_(None))
        return self.session.scalars(query).all()

    # preferences
    def preferences_of(self, owners, event_type=None):
        """{(kind, id, event_type): Preference} for ``owners`` [(kind, id)]."""
        owners = {(kind, owner_id) for kind, owner_id in owners if owner_id is not None}
        if not owners:
            return {}
        query = sa.select(Preference).where(
            Preference.owner_id.in_(sorted({owner_id for _, owner_id in owners})))
        if event_type:
            query = query.where(Preference.event_type == event_type)
        return {(p.owner_kind, p.owner_id, p.event_type): p for p in self.session.scalars(query)
                if (p.owner_kind, p.owner_id) in owners}

    def languages_of(self, owners):
        """{(kind, id): language} of the ``owners`` [(kind, id)] that chose one."""
        owners = {(kind, owner_id) for kind, owner_id in owners if owner_id is not None}
        if not owners:
            return {}
        query = sa.select(LanguagePreference).where(LanguagePreference.owner_id.in_(
            sorted({owner_id for _, owner_id in owners})))
        return {(p.owner_kind, p.owner_id): p.language for p in self.session.scalars(query)
                if (p.owner_kind, p.owner_id) in owners}

    def language_preference(self, owner_kind, owner_id):
        query = sa.select(LanguagePreference).where(LanguagePreference.owner_kind == owner_kind,
                                                    LanguagePreference.owner_id == owner_id)
        return self.session.scalars(query).first()

    def preference(self, owner_kind, owner_id, event_type):
        query = sa.select(Preference).where(Preference.owner_kind == owner_kind,
                                            Preference.owner_id == owner_id,
                                            Preference.event_type == event_type)
        return self.session.scalars(query).first()


def _delivery_row(delivery):
    return dict(zip(_DELIVERY_COLUMNS, _DELIVERY_VALUES(delivery), strict=True))
