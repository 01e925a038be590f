"""The e-mail channel against hostile SMTP servers on loopback (real sockets, no broker): a
server that drips its replies is cut off at the send's deadline; one that takes the whole
message and never gives its final reply makes it "maybe delivered"."""
import time

from services.notifications.adapters.channels import DeliveryFailed, EmailChannel, Message
from services.notifications.domain.templates import render
from services.notifications.settings import SmtpSettings
from tests.integration.notifications.hostile import DripSmtpServer, DripTlsHandshake, SilentSmtpServer


def message():
    return Message(delivery_id=5, channel="email", recipient="person:1",
                   target="aliya@kgu61.kz", event_id="evt-5", event_type="task_overdue",
                   rendered=render("task_overdue", {
                       "task_id": 1, "task_title": "Тренинг", "project_code": "mediation",
                       "region_code": "KZ-61", "due_date": "2026-03-01", "days_overdue": 2,
                       "stage": "first"}))


def send(port, **settings):
    settings.setdefault("security", "none")
    channel = EmailChannel(SmtpSettings(host="127.0.0.1", port=port, **settings))
    started = time.monotonic()
    try:
        outcome = channel.deliver(message())
    except DeliveryFailed as exc:
        outcome = exc
    return outcome, time.monotonic() - started


def test_an_smtp_server_dripping_its_replies_is_cut_off_at_the_deadline():
    server = DripSmtpServer(interval=0.3, duration=10)
    try:
        outcome, took = send(server.port, timeout=1.0, deadline=2.0)
    finally:
        server.close()
    assert took < 3.0, f"held for {took:.1f} s"
    assert isinstance(outcome, DeliveryFailed) and not outcome.maybe_delivered
    assert outcome.error == "no complete SMTP exchange within 2 s"


def test_an_smtp_server_dripping_its_tls_handshake_is_cut_off_at_the_deadline():
    server = DripTlsHandshake(interval=0.3, duration=10)
    try:
        outcome, took = send(server.port, security="tls", timeout=1.0, deadline=2.0)
    finally:
        server.close()
    assert took < 3.0, f"held for {took:.1f} s"
    assert outcome.error == "no complete SMTP exchange within 2 s"


def test_a_message_sent_whole_without_a_final_reply_may_have_been_delivered():
    server = SilentSmtpServer(hold=10)
    try:
        outcome, took = send(server.port, timeout=1.0, deadline=5.0)
    finally:
        server.close()
    assert took < 3.0
    assert isinstance(outcome, DeliveryFailed) and outcome.maybe_delivered
    assert len(server.messages) == 1 and b"evt-5" in server.messages[0]
