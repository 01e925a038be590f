"""Column types that behave the same on SQLite and PostgreSQL."""
from datetime import datetime, timezone

import sqlalchemy as sa


class UtcDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes; SQLite forgets the zone, so it is put back on read."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC was expected")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow():
    return datetime.now(timezone.utc)
