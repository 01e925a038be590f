"""Delivery logs written before the short error classes lose the receivers' answers they
kept (``HTTP 500: <300 characters of the answer>`` becomes ``HTTP 500``), on SQLite and
PostgreSQL; e-mail errors and other texts stay as they were."""
import sqlalchemy as sa

from kelisim.db import migrate
from kelisim.db.engine import make_engine

ANSWER = "HTTP 500: <html>pg_hba.conf rejects 10.0.3.7: internal stack trace</html>"


def test_old_answers_are_cut_from_the_delivery_log(database_url):
    migrate.upgrade("notifications", database_url, "0002")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            for delivery_id, channel, error in ((1, "webhook", ANSWER),
                                                (2, "email", "SMTP 550: no such user: x@y.kz"),
                                                (3, "webhook", "ConnectionError: refused")):
                conn.execute(sa.text(
                    "INSERT INTO deliveries (id, event_id, event_type, channel, recipient, "
                    "target, status, attempts, last_error, last_status_code, created_at) VALUES "
                    "(:id, 'e', 'task_assigned', :channel, 'r' || :id, 't', 'dead', 1, :error, 500, "
                    "CURRENT_TIMESTAMP)"), {"id": delivery_id, "channel": channel,
                                            "error": error})
                conn.execute(sa.text(
                    "INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, "
                    "status_code, error) VALUES (:id, CURRENT_TIMESTAMP, 'dead', 500, :error)"),
                    {"id": delivery_id, "error": error})
            conn.execute(sa.text(
                "INSERT INTO webhooks (id, org_unit_id, url, secret, event_types, active, "
                "consecutive_failures, disabled_reason, created_at) VALUES (1, 16, 'http://x.kz/', "
                "'s', '[]', false, 3, :reason, CURRENT_TIMESTAMP)"),
                {"reason": "gave up on delivery 1 after 9 attempts: " + ANSWER})
        migrate.upgrade("notifications", database_url)
        with engine.connect() as conn:
            logged = conn.execute(sa.text(
                "SELECT d.id, d.last_error, a.error FROM deliveries d JOIN delivery_attempts a "
                "ON a.delivery_id = d.id ORDER BY d.id")).all()
            reason = conn.execute(sa.text("SELECT disabled_reason FROM webhooks")).scalar()
    finally:
        engine.dispose()
    assert [tuple(r) for r in logged] == [
        (1, "HTTP 500", "HTTP 500"),
        (2, "SMTP 550: no such user: x@y.kz", "SMTP 550: no such user: x@y.kz"),
        (3, "ConnectionError: refused", "ConnectionError: refused")]
    assert reason == "gave up on delivery 1 after 9 attempts: HTTP 500"
