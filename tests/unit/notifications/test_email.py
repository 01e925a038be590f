"""E-mail people want: one message per action and recipient, one copy per address, in the
reader's language, with headers a mail reader parses back exactly, whatever a user typed."""
import random
import uuid
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes, policy
from email.header import decode_header, make_header

from kelisim.events.envelope import Envelope, new_envelope
from services.notifications.adapters.channels import Channel, Message
from services.notifications.adapters.channels.email import compose
from services.notifications.domain.audience import Audience, audience_for
from services.notifications.domain.planning import plan
from services.notifications.domain.templates import render
from services.notifications.service_layer import dispatch, intake, preferences
from tests.support_notifications import NOW, PEOPLE, TASK_KK, TASK_RU, TURKISTAN, task_assigned
from tests.unit.notifications.test_dispatch import POLICY, Clock

WORDS = ("Медиация институтын танымал ету среди детей и молодёжи жобасы бойынша «Қоғамдық "
         "келісім» формирование толерантности — a b Жаңғыру жолы 2026 ж. тапсырма").split()


class Outbox(Channel):
    name = "email"
    repeatable = False

    def __init__(self):
        self.sent = []

    def deliver(self, message):
        self.sent.append(message)
        return 250


def _parsed(mail):
    raw = mail.as_bytes()
    modern = message_from_bytes(raw, policy=policy.default)
    legacy = message_from_bytes(raw, policy=policy.compat32)
    return modern, str(make_header(decode_header(legacy["Subject"])))


def _message(title, body="Мәтін", target="aliya@kgu61.kz", lang="kk"):
    rendered = render("task_assigned", task_assigned({"kind": "org_unit", "id": 16},
                                                     title_kk=title))
    return Message(delivery_id=1, channel="email", recipient="person:1", target=target,
                   event_id=str(uuid.uuid4()), event_type="task_assigned", rendered=rendered,
                   language=lang)


def test_subjects_and_bodies_survive_a_mail_readers_parser():
    for seed in range(430):
        rng = random.Random(seed)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
        message = _message(title)
        mail = compose(message, "kelisim@example.kz")
        modern, legacy_subject = _parsed(mail)
        expected = f"Жаңа тапсырма: {title}"[:200]
        if len(f"Жаңа тапсырма: {title}") <= 200:
            assert modern["Subject"] == expected == legacy_subject, seed
        assert modern.get_content() == f"{message.rendered.title_kk}\n\n" \
                                       f"{message.rendered.body_kk}\n"


def test_a_title_with_line_breaks_makes_one_safe_header_line():
    message = _message("Тренинг\r\nBcc: victim@example.kz\n\tтағы\u2028бір")
    mail = compose(message, "kelisim@example.kz")
    modern, _ = _parsed(mail)
    assert modern["Subject"] == "Жаңа тапсырма: Тренинг Bcc: victim@example.kz тағы бір"
    assert modern["Bcc"] is None and modern["To"] == "aliya@kgu61.kz"
    assert "Тренинг\r\nBcc" in message.rendered.title_kk  # the inbox keeps it as entered


def test_the_email_is_in_the_readers_language():
    russian = compose(_message(TASK_KK, lang="ru"), "kelisim@example.kz")
    modern, _ = _parsed(russian)
    assert modern["Subject"] == f"Новая задача: {TASK_RU}"
    assert modern["Content-Language"] == "ru"
    assert TASK_KK not in modern.get_content()


def _event(data, correlation_id):
    built = new_envelope("task_assigned", data, source="projects",
                         correlation_id=correlation_id, regions=["KZ-61"])
    return Envelope(**dict(built.to_message(), occurred_at=NOW.isoformat()))


def test_one_address_receives_one_copy_whatever_its_letter_case():
    twins = [dict(PEOPLE[0]), dict(PEOPLE[0], id=9, email=" Aliya@KGU61.kz "),
             dict(PEOPLE[0], id=10, email="ALIYA@kgu61.kz")]
    audience = Audience()
    audience.add_unit({"id": 16, "region_code": "KZ-61"}, twins)
    event = intake.received_event(_event(task_assigned({"kind": "org_unit", "id": 16}), "c-1"),
                                  NOW)
    emails = [d for d in plan(event, audience, {}, [], NOW) if d.channel == "email"]
    assert [(d.recipient, d.target) for d in emails] == [("person:1", "aliya@kgu61.kz")]


def test_what_one_action_causes_reaches_each_recipient_as_one_email(
        uow, directory, settings, table):
    batched = replace(settings, email_batch_seconds=30)
    rollout = f"corr-{uuid.uuid4()}"
    for task_id in range(1, 8):  # a rollout: seven tasks for the KGU of Turkistan
        data = dict(task_assigned({"kind": "org_unit", "id": 16}), task_id=task_id,
                    task_title=f"Задача {task_id}", task_title_kk=f"Тапсырма {task_id}")
        event = _event(data, rollout)
        intake.receive(uow(), event, audience_for(event.type, event.data, event.regions,
                                                  directory), batched, now=NOW)
    alone = _event(task_assigned({"kind": "org_unit", "id": 16}, title_kk="Жалғыз"), "other")
    intake.receive(uow(), alone, audience_for(alone.type, alone.data, alone.regions, directory),
                   batched, now=NOW)
    assert len(table("inbox_items")) == 8  # the inbox keeps one item per task
    assert dispatch.compose_digests(uow(), NOW + timedelta(seconds=10)) == 0  # still waiting
    # the rollout's seven in one e-mail; the lone event released as its own
    assert dispatch.compose_digests(uow(), NOW + timedelta(seconds=31)) == 2
    outbox, clock = Outbox(), Clock(NOW + timedelta(seconds=31))
    for delivery_id in dispatch.claim(uow(), "email", clock(), 50, lease=60):
        dispatch.send(uow, outbox, delivery_id, POLICY, now=clock)
    assert len(outbox.sent) == 2  # the rollout's seven tasks in one e-mail, the other alone
    rollout_mail = compose(next(m for m in outbox.sent if m.digest), "kelisim@example.kz")
    modern, _ = _parsed(rollout_mail)
    assert modern["Subject"] == "Жаңа тапсырма: Тапсырма 1 және тағы 6"
    assert all(f"Тапсырма {n}" in modern.get_content() for n in range(1, 8))
    single, _ = _parsed(compose(next(m for m in outbox.sent if not m.digest), "k@example.kz"))
    assert single["Subject"] == "Жаңа тапсырма: Жалғыз"


def test_a_person_or_org_unit_chooses_the_language_of_its_emails(uow, directory, settings):
    chosen = preferences.set_language(uow(TURKISTAN), directory,
                                      {"language": "ru", "org_unit_id": 16})
    assert chosen == {"owner_kind": "org_unit", "owner_id": 16, "language": "ru",
                      "source": "org_unit"}
    person = preferences.get_language(uow(TURKISTAN), directory, {"person_id": 1})
    assert person["language"] == "ru" and person["source"] == "org_unit"
    event = _event(task_assigned({"kind": "org_unit", "id": 16}), "c-2")
    intake.receive(uow(), event, audience_for(event.type, event.data, event.regions, directory),
                   settings, now=NOW)
    outbox, clock = Outbox(), Clock(NOW)
    for delivery_id in dispatch.claim(uow(), "email", clock(), 50, lease=60):
        dispatch.send(uow, outbox, delivery_id, POLICY, now=clock)
    assert outbox.sent and {m.language for m in outbox.sent} == {"ru"}
    assert _parsed(compose(outbox.sent[0], "k@example.kz"))[0]["Subject"] == \
        f"Новая задача: {TASK_RU}"


def test_what_an_action_causes_after_its_email_went_out_goes_in_a_second_one(
        uow, directory, settings, table):
    """Events of one action held up in the broker past the batch's wait (a connection cut):
    their digest took the sent one's key, was refused at every try, and every digest of the
    platform stalled behind it (the cluster test's e-mails never went out)."""
    batched = replace(settings, email_batch_seconds=30)
    action = f"corr-{uuid.uuid4()}"

    def assigned(task_ids, at):
        for task_id in task_ids:
            data = dict(task_assigned({"kind": "org_unit", "id": 16}), task_id=task_id,
                        task_title=f"Задача {task_id}", task_title_kk=f"Тапсырма {task_id}")
            event = _event(data, action)
            intake.receive(uow(), event, audience_for(event.type, event.data, event.regions,
                                                      directory), batched, now=at)

    assigned(range(1, 4), NOW)
    assert dispatch.compose_digests(uow(), NOW + timedelta(seconds=31)) == 1
    assigned(range(4, 7), NOW + timedelta(seconds=60))  # late: the first e-mail went out
    assert dispatch.compose_digests(uow(), NOW + timedelta(seconds=91)) == 1
    outbox, clock = Outbox(), Clock(NOW + timedelta(seconds=91))
    for delivery_id in dispatch.claim(uow(), "email", clock(), 50, lease=60):
        dispatch.send(uow, outbox, delivery_id, POLICY, now=clock)
    bodies = [compose(m, "kelisim@example.kz") for m in outbox.sent]
    assert len(bodies) == 2 and all(m.digest for m in outbox.sent)
    text = [_parsed(body)[0].get_content() for body in bodies]
    assert all(f"Тапсырма {n}" in text[0] for n in (1, 2, 3))
    assert all(f"Тапсырма {n}" in text[1] for n in (4, 5, 6))
    assert {d["status"] for d in table("deliveries") if d["channel"] == "email"
            and d["event_type"] != "digest"} == {"digested"}


def test_a_digest_key_is_never_cut_into_another():
    long = "batch:" + "x" * 64
    first, second = (dispatch.digest_event_id("person:1", long + suffix) for suffix in ("", "+1"))
    assert first != second and len(first) <= 80 and len(second) <= 80
    assert dispatch.digest_event_id("person:1", "batch:c-1") == "digest:person:1:batch:c-1"
