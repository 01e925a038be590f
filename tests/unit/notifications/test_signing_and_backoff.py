"""Webhook signatures as a receiver checks them, and the retry schedule of deliveries."""
import hashlib
import hmac
import random
from datetime import timedelta

from services.notifications.domain import signing
from services.notifications.domain.backoff import RetryPolicy
from services.notifications.settings import Settings
from tests.support_notifications import NOW

SECRET = "whsec_test"
BODY = '{"event":{"type":"task_assigned","data":{"task_title":"Тренинг"}}}'.encode()


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert signing.signature(SECRET, 1700000000, BODY) == "sha256=" + expected


def test_a_receiver_accepts_only_the_exact_body_secret_and_a_recent_timestamp():
    sent = signing.signature(SECRET, 1700000000, BODY)
    assert signing.verify(SECRET, "1700000000", BODY, sent, now=1700000100)
    assert not signing.verify(SECRET, "1700000000", BODY + b" ", sent, now=1700000100)
    assert not signing.verify("whsec_other", "1700000000", BODY, sent, now=1700000100)
    assert not signing.verify(SECRET, "1700000001", BODY, sent, now=1700000100)
    assert not signing.verify(SECRET, "1700000000", BODY, sent, now=1700000000 + 301)
    assert not signing.verify(SECRET, "yesterday", BODY, sent, now=1700000100)
    assert not signing.verify(SECRET, "1700000000", BODY, None, now=1700000100)


def test_delays_grow_exponentially_with_jitter_up_to_the_cap():
    policy = RetryPolicy(first_delay=30, factor=2, max_delay=3600)
    rng = random.Random(7)
    for attempts, base in [(1, 30), (2, 60), (3, 120), (8, 3600), (20, 3600)]:
        delays = [policy.delay(attempts, rng) for _ in range(200)]
        assert base / 2 <= min(delays) and max(delays) <= base
        assert max(delays) - min(delays) > base / 4  # jittered, not fixed


def test_webhooks_are_retried_for_at_least_24_hours_then_given_up():
    policy = Settings().webhook_retry
    rng = random.Random(1)
    first = now = NOW
    attempts = 1
    while True:
        retry_at = policy.next_attempt(first, now, attempts, rng)
        if retry_at is None:
            break
        assert retry_at > now
        now, attempts = retry_at, attempts + 1
    assert now - first >= timedelta(hours=24)
    assert now - first < timedelta(hours=24 + 6)  # the last wait is at most the cap
    assert 10 <= attempts <= 30
