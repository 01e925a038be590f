"""E-mail through a real SMTP server, read back from the raw bytes it received with Python's
mail parser: one e-mail per action and recipient, one copy per address, subjects and
bodies intact, a title with a line break harmless."""
import uuid
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest
from kombu import Connection
from kombu.entity import PERSISTENT_DELIVERY_MODE

from kelisim.context import CORRELATION_KEY
from kelisim.events.envelope import new_envelope
from kelisim.events.topology import event_exchange
from tests.integration.notifications.samples import FAST, TURKISTAN, task_assigned
from tests.support import wait_for


@pytest.fixture
def notifications_settings(smtp_server):
    return dict(FAST, smtp=smtp_server[0], email_batch_seconds=1.5)


def _publish_all(amqp_uri, envelopes):
    exchange = event_exchange("projects")
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer(serializer="json")
        for envelope in envelopes:
            producer.publish(envelope.to_message(), exchange=exchange, declare=[exchange],
                             routing_key=envelope.type, delivery_mode=PERSISTENT_DELIVERY_MODE,
                             headers={f"nameko.{CORRELATION_KEY}": envelope.correlation_id},
                             message_id=envelope.id)


def _raw(mailbox, address):
    """(raw bytes, parsed message) of each e-mail the SMTP server received for ``address``."""
    found = []
    for path in sorted(mailbox.folder.glob("*.eml"), key=lambda p: int(p.stem)):
        raw = path.read_bytes()
        parsed = message_from_bytes(raw, policy=policy.default)
        if parsed["To"] == address:
            found.append((raw, parsed))
    return found


def _subject(raw):
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"])))


def test_a_rollout_reaches_a_contact_as_one_email_listing_its_tasks(
        notifications, people, rpc, mailbox, amqp_uri):
    [aliya, twin], kgu = people("KZ-61", "Aliya", "Twin")
    with rpc("registry") as registry:  # a second contact with the same address, other case
        registry.update_person(twin["id"], {"version": twin["version"],
                                            "email": aliya["email"].upper()})
    rollout = f"corr-{uuid.uuid4()}"
    titles = [f"Балалар мен жастар арасында медиация институтын танымал ету {n}"
              for n in range(1, 13)]
    _publish_all(amqp_uri, [new_envelope("task_assigned", dict(
        task_assigned({"kind": "org_unit", "id": kgu["id"]}, task_id=n + 1),
        task_title=f"Популяризация медиации {n}", task_title_kk=title),
        source="projects", correlation_id=rollout, regions=["KZ-61"])
        for n, title in enumerate(titles, 1)])

    with rpc("notifications", TURKISTAN) as service:
        wait_for(lambda: service.list_inbox({"limit": 50})["total"] == 12, timeout=20)
    wait_for(lambda: _raw(mailbox, aliya["email"]), timeout=20)
    [(raw, mail)] = _raw(mailbox, aliya["email"])
    assert not _raw(mailbox, aliya["email"].upper())  # one copy for the shared address
    # workers take the events in any order: the subject names the first the batch holds
    assert mail["Subject"] == _subject(raw)
    assert mail["Subject"] in {f"Жаңа тапсырма: {title} және тағы 11" for title in titles}
    body = mail.get_content()
    assert all(title in body for title in titles)
    assert "Популяризация" not in body  # the Kazakh e-mail names the tasks in Kazakh


def test_a_title_with_a_line_break_is_mailed_and_kept_as_entered(
        notifications, people, rpc, mailbox, publish):
    [dina], kgu = people("KZ-61", "Dina")
    title = "Тренинг\nBcc: victim@example.kz"
    event = publish("task_assigned", dict(task_assigned({"kind": "org_unit", "id": kgu["id"]}),
                                          task_title=title, task_title_kk=title), ["KZ-61"])
    wait_for(lambda: _raw(mailbox, dina["email"]), timeout=20)
    [(raw, mail)] = _raw(mailbox, dina["email"])
    assert mail["Subject"] == _subject(raw) == "Жаңа тапсырма: Тренинг Bcc: victim@example.kz"
    assert mail["Bcc"] is None and mail["X-Kelisim-Event-Id"] == event.id
    with rpc("notifications", TURKISTAN) as service:
        [item] = [i for i in service.list_inbox({})["items"] if i["event_id"] == event.id]
    assert item["title_kk"] == f"Жаңа тапсырма: {title}"
