"""Passwords (Argon2id, rehash on sign-in), sign-in throttling and one-time links, on the
service layer over a migrated SQLite file."""
from datetime import timedelta

import eventlet
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.orm import sessionmaker

from gateway.adapters.accounts import AccountRepository
from gateway.domain import passwords
from gateway.domain.throttle import SignInFailures, ThrottlePolicy
from gateway.errors import SignInFailed, TooManyAttempts
from gateway.service_layer import accounts, hashing, sessions
from kelisim.context import Context
from kelisim.db import migrate
from kelisim.db.engine import make_engine
from kelisim.db.types import utcnow
from kelisim.db.uow import UnitOfWork
from kelisim.errors import Invalid
from tests.support import ADMIN

PASSWORD = "correct horse battery"


@pytest.fixture
def uow(engine):
    sessions_ = sessionmaker(engine, expire_on_commit=False)
    return lambda actor=ADMIN: UnitOfWork(sessions_, Context(actor=dict(actor)),
                                          repositories=AccountRepository)


def _account(uow, login="a@example.kz", password=PASSWORD):
    made = accounts.create_account(uow(), {"login": login, "role": "observer",
                                           "display_name_kk": "А", "display_name_ru": "А"})
    if password:
        token = accounts.issue_link(uow(), made["id"])[2]
        accounts.set_password(uow(), token, password)
    return made


def _hash_of(uow, account_id):
    with uow() as unit:
        return unit.repo.account(account_id).password_hash


def test_passwords_are_argon2id_with_the_library_defaults(uow):
    made = _account(uow)
    stored = _hash_of(uow, made["id"])
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert not PasswordHasher().check_needs_rehash(stored)


def test_a_hash_made_with_other_parameters_is_remade_at_the_next_sign_in(uow, rows):
    made = _account(uow)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with uow() as unit:
        unit.repo.account(made["id"]).password_hash = weak
        unit.commit()
    assert PasswordHasher().check_needs_rehash(weak)
    sessions.sign_in(uow(), "a@example.kz", PASSWORD)
    renewed = _hash_of(uow, made["id"])
    assert renewed != weak and not PasswordHasher().check_needs_rehash(renewed)
    assert passwords.verify(renewed, PASSWORD) == (True, False)
    sessions.sign_in(uow(), "a@example.kz", PASSWORD)  # still the same password
    assert _hash_of(uow, made["id"]) == renewed


def test_weak_passwords_are_refused_and_nothing_is_used_up(uow):
    made = _account(uow, password=None)
    token = accounts.issue_link(uow(), made["id"])[2]
    for weak in ("short", "a" * 20, "x" * 300):
        with pytest.raises(Invalid):
            accounts.set_password(uow(), token, weak)
    accounts.set_password(uow(), token, PASSWORD)  # the link still worked after the refusals


def test_failed_sign_ins_are_slowed_then_locked_per_login_whether_or_not_it_exists(uow, rows):
    _account(uow)
    policy = ThrottlePolicy(slow_after=2, base_delay=30, lock_after=4, lock_seconds=600)
    for login in ("a@example.kz", "ghost@example.kz"):
        for attempt in range(2):
            with pytest.raises(SignInFailed):
                sessions.sign_in(uow(), login, "wrong password!", f"10.0.0.{attempt}",
                                 policy=policy)
        with pytest.raises(TooManyAttempts) as slowed:  # the third waits 30 s
            sessions.sign_in(uow(), login, PASSWORD, "10.0.0.9", policy=policy)
        assert 25 <= int(slowed.value.headers["Retry-After"]) <= 30
    by_key = {r["key"]: r for r in rows("sign_in_failures")}
    assert by_key["login:a@example.kz"]["failures"] == by_key["login:ghost@example.kz"]["failures"]


def test_the_lock_engages_after_enough_failures_and_is_audited(uow, rows):
    _account(uow)
    policy = ThrottlePolicy(slow_after=100, lock_after=3, lock_seconds=600)
    seen = []
    for _ in range(3):
        with pytest.raises(SignInFailed):
            sessions.sign_in(uow(), "a@example.kz", "wrong password!", "10.1.1.1",
                             policy=policy, observe=seen.append)
    assert seen == ["failure", "failure", "locked"]
    with pytest.raises(TooManyAttempts) as locked:
        sessions.sign_in(uow(), "a@example.kz", PASSWORD, "10.2.2.2", policy=policy,
                         observe=seen.append)
    assert int(locked.value.headers["Retry-After"]) > 590 and seen[-1] == "throttled"
    audit = [r for r in rows("audit_log") if r["action"] == "lock"]
    assert {r["entity_id"] for r in audit} == {"login:a@example.kz", "address:10.1.1.1"}


def test_the_throttle_forgets_old_failures_and_a_lock_ends():
    policy = ThrottlePolicy(slow_after=1, base_delay=10, lock_after=3, lock_seconds=60,
                            forget_seconds=120)
    now = utcnow()
    record = SignInFailures(key="login:x", failures=0, last_failed_at=now)
    assert record.fail(now, policy) is False and record.wait(now, policy) == 10
    assert record.wait(now + timedelta(seconds=11), policy) == 0
    record.fail(now, policy)
    assert record.fail(now, policy) is True
    assert record.wait(now + timedelta(seconds=30), policy) == 30
    later = now + timedelta(seconds=200)
    assert record.wait(later, policy) == 0
    assert record.fail(later, policy) is False and record.failures == 1


def _peak_rss_mib(script):
    """Peak resident memory (MiB) of a fresh interpreter running ``script``: its VmHWM
    (ru_maxrss would carry the forking pytest's own peak across the exec)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-W", "ignore", "-c", script + (
        "\nimport re; print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())"
        "[1]) // 1024)")],
        capture_output=True, text=True, timeout=120, check=True)
    return int(out.stdout.split()[-1])


def test_no_process_holds_an_argon2_hash_s_memory_for_importing_the_rules():
    """Every gateway process imported the rules, and they hashed their dummy on import:
    64 MiB at start-up, the gateway's peak in the benchmarks (146 MiB)."""
    bare = _peak_rss_mib("import argon2, kelisim.i18n, kelisim.errors")
    assert _peak_rss_mib("from gateway.domain import passwords") < bare + passwords.MEMORY_MIB / 2


def test_a_burst_of_sign_ins_holds_at_most_two_hashes_memory_at_once():
    """Eight verifications at once (as eight sign-ins through eventlet's pool of OS threads)
    hold two hashes' memory at a time, not eight (8 x 64 MiB)."""
    before = _peak_rss_mib("import eventlet, gateway.service_layer.hashing")
    during = _peak_rss_mib(
        "import eventlet\n"
        "from gateway.service_layer import hashing\n"
        "pool = eventlet.GreenPool()\n"
        "[pool.spawn(hashing.verify, None, 'correct horse battery') for _ in range(8)]\n"
        "pool.waitall()")
    assert during - before < (hashing.AT_ONCE + 1) * passwords.MEMORY_MIB
    assert during - before > passwords.MEMORY_MIB / 2  # it did verify: one hash's memory at least


@pytest.fixture
def on_both(database_url):
    """(uow, rows) on a migrated gateway database, SQLite and then PostgreSQL."""
    migrate.upgrade("gateway", database_url)
    engine = make_engine(database_url)
    factory = sessionmaker(engine, expire_on_commit=False)

    def rows(name):
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {name}"))]

    yield (lambda: UnitOfWork(factory, Context(actor=dict(ADMIN)),
                              repositories=AccountRepository)), rows
    engine.dispose()


def _at_once(count, call):
    """``call()`` in ``count`` green threads at once: what each returned or raised."""
    def run():
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
            return exc
    pool = eventlet.GreenPool()
    threads = [pool.spawn(run) for _ in range(count)]
    return [thread.wait() for thread in threads]


def test_sign_ins_to_one_account_at_once_each_open_a_session(on_both):
    """Each stamped the account under the version it had read: all but one were a 500."""
    uow, rows = on_both
    made = _account(uow)
    results = _at_once(6, lambda: sessions.sign_in(uow(), "a@example.kz", PASSWORD))
    assert [type(r) for r in results] == [tuple] * 6, results
    assert len([s for s in rows("sessions") if s["account_id"] == made["id"]]) == 6


def test_failed_sign_ins_at_once_are_each_counted(on_both):
    """Each inserted the login's first failure record: all but one were a 500 and went
    uncounted, so guessing in parallel escaped the lock."""
    uow, rows = on_both
    _account(uow)
    policy = ThrottlePolicy(slow_after=100, lock_after=100, lock_seconds=600)
    results = _at_once(6, lambda: sessions.sign_in(uow(), "a@example.kz", "wrong password!",
                                                   "10.3.3.3", policy=policy))
    assert [type(r) for r in results] == [SignInFailed] * 6, results
    assert {r["key"]: r["failures"] for r in rows("sign_in_failures")} == {
        "login:a@example.kz": 6, "address:10.3.3.3": 6}


def test_guesses_sent_at_once_meet_the_lock_of_those_counted_before_them(on_both):
    """Every guess read the throttle before any was counted, so ten at once were all
    verified past a lock after three; now at most one per further hashing turn is."""
    uow, rows = on_both
    _account(uow)
    policy = ThrottlePolicy(slow_after=100, lock_after=3, lock_seconds=600)
    results = _at_once(10, lambda: sessions.sign_in(uow(), "a@example.kz", "wrong password!",
                                                    "10.4.4.4", policy=policy))
    verified = [r for r in results if isinstance(r, SignInFailed)]
    assert len(verified) <= policy.lock_after + hashing.AT_ONCE - 1, results
    assert all(isinstance(r, (SignInFailed, TooManyAttempts)) for r in results), results
