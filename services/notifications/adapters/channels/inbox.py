"""The in-app inbox of each org unit: an item in the notifications database."""
from datetime import datetime

from kelisim.db.types import utcnow
from services.notifications.adapters.channels.base import Channel
from services.notifications.domain.model import InboxItem


class InboxChannel(Channel):
    name = "inbox"
    transactional = True
    languages = ("kk", "ru")  # an item keeps its title and body in these (title_kk, ...)

    def __init__(self, repo, clock=utcnow):
        self.repo = repo
        self.clock = clock

    def deliver(self, message):
        self.repo.add(InboxItem(**self.row(message)))
        return None

    def row(self, message):
        """The ``inbox_items`` row (a dict of every column but ``id``) ``message`` makes:
        what :meth:`deliver` adds, for a caller writing many with one INSERT."""
        rendered = message.rendered
        envelope = message.envelope or {}
        return {"org_unit_id": int(message.target), "region_code": message.region_code,
                "event_id": message.event_id, "event_type": message.event_type,
                "critical": message.critical, "title_kk": rendered.title_kk,
                "title_ru": rendered.title_ru, "body_kk": rendered.body_kk,
                "body_ru": rendered.body_ru, "data": envelope.get("data"),
                "occurred_at": _parse(envelope.get("occurred_at")), "created_at": self.clock(),
                "read_at": None, "archived_at": None}


def _parse(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value
