"""The webhook channel against hostile receivers on loopback (real sockets, no broker): a
receiver that drips its answer is cut off at the deadline, a huge answer is not read
whole, and the address is checked again at connect time, on the address connected to."""
import time
import tracemalloc

import eventlet
import pytest

from kelisim.errors import Invalid
from services.notifications.adapters.channels import DeliveryFailed, Message, WebhookChannel
from services.notifications.domain.destinations import DestinationPolicy
from services.notifications.service_layer import webhooks
from tests.integration.notifications.hostile import DripReceiver, DripTlsHandshake, HugeReceiver, TlsReceiver
from tests.support import self_signed

LOOPBACK = DestinationPolicy.parse(["127.0.0.1/32", "::1/128"])  # localhost may be both


def message(url):
    return Message(delivery_id=41, channel="webhook", recipient="webhook:7", target=url,
                   event_id="evt-1", event_type="task_assigned", envelope={"id": "evt-1"},
                   org_unit_id=16, webhook_id=7, secret="whsec_test")


def deliver(url, timeout=1.0, **options):
    """(status or DeliveryFailed, seconds taken)."""
    channel = WebhookChannel(timeout=timeout, policy=options.pop("policy", LOOPBACK), **options)
    started = time.monotonic()
    try:
        outcome = channel.deliver(message(url))
    except DeliveryFailed as exc:
        outcome = exc
    return outcome, time.monotonic() - started


def test_a_receiver_dripping_its_headers_is_cut_off_at_the_deadline():
    peer = DripReceiver(interval=0.3, duration=10, where="headers")
    try:
        outcome, took = deliver(peer.url, timeout=1.0)
    finally:
        peer.close()
    assert took < 1.8, f"held for {took:.1f} s"
    assert isinstance(outcome, DeliveryFailed) and not outcome.permanent
    assert outcome.error == "no complete answer within 1 s"
    assert len(peer.requests) == 1


def test_a_receiver_dripping_its_tls_handshake_is_cut_off_at_the_deadline():
    peer = DripTlsHandshake(interval=0.3, duration=10)
    try:
        outcome, took = deliver(f"https://hooks.kgu61.example.kz:{peer.port}/hooks",
                                timeout=1.0, resolver=lambda host, p: ["127.0.0.1"])
    finally:
        peer.close()
    assert took < 1.8, f"held for {took:.1f} s"
    assert isinstance(outcome, DeliveryFailed)
    assert outcome.error == "no complete answer within 1 s"


def test_a_receiver_dripping_its_body_holds_a_worker_no_longer_than_the_deadline():
    peer = DripReceiver(interval=0.3, duration=10, where="body")
    try:
        outcome, took = deliver(peer.url, timeout=1.0)
    finally:
        peer.close()
    assert took < 1.8, f"held for {took:.1f} s"
    assert outcome == 200  # it did answer 200 before dripping: delivered


@pytest.mark.parametrize("status", [200, 500])
def test_a_huge_answer_is_not_read_into_memory(status):
    peer = HugeReceiver(size=20 * 1024 * 1024, status=status)
    tracemalloc.start()
    try:
        outcome, took = deliver(peer.url, timeout=5.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        peer.close()
    assert peak < 2 * 1024 * 1024, f"{peak / 1e6:.1f} MB allocated while sending"
    assert peer.complete == 0  # it never got to send the whole answer
    if status == 200:
        assert outcome == 200
    else:  # the log keeps the status, never the answer
        assert isinstance(outcome, DeliveryFailed) and outcome.error == "HTTP 500"
        assert outcome.status_code == 500


def test_a_name_server_that_never_answers_holds_a_send_no_longer_than_the_deadline(receiver):
    """The name of a coordinator's webhook is resolved by its own name server, which may
    never answer (stood in for by a resolver that waits, as eventlet's does on the wire)."""
    def silent_name_server(host, port):
        eventlet.sleep(30)
        return ["127.0.0.1"]

    outcome, took = deliver(receiver.url.replace("127.0.0.1", "hooks.example.kz"),
                            timeout=1.0, resolver=silent_name_server)
    assert took < 1.8, f"held for {took:.1f} s"
    assert isinstance(outcome, DeliveryFailed) and not outcome.permanent
    assert outcome.error == "no complete answer within 1 s"
    assert receiver.calls == []


def test_a_name_server_that_never_answers_holds_a_registration_no_longer_than_its_bound():
    def silent_name_server(host, port):
        eventlet.sleep(30)
        return ["93.184.215.14"]

    started = time.monotonic()
    with pytest.raises(Invalid) as refused:
        webhooks.check_destination("https://hooks.example.kz/h", DestinationPolicy(),
                                   silent_name_server, seconds=0.5)
    assert time.monotonic() - started < 1.3
    assert refused.value.errors == {
        "url": "the host does not resolve to public internet addresses only"}


def test_a_name_that_resolves_to_loopback_at_connect_time_is_refused(receiver):
    port = receiver.url.split(":")[2].split("/")[0]
    url = f"http://localhost:{port}/hooks/kelisim"
    # when it was registered the name resolved to a public address (DNS, stood in for here:
    # no public DNS is reachable from these machines) ...
    webhooks.check_destination(url, DestinationPolicy(), lambda host, p: ["93.184.215.14"])
    # ... when it is sent, the system's resolver says 127.0.0.1: refused, nothing sent
    outcome, _ = deliver(url, timeout=2.0, policy=DestinationPolicy())
    assert isinstance(outcome, DeliveryFailed) and outcome.permanent
    assert outcome.error == ("destination refused: the host does not resolve to public "
                             "internet addresses only")
    assert receiver.calls == []
    # with loopback allowed, the same URL reaches the receiver
    assert deliver(url, timeout=2.0)[0] == 200 and len(receiver.calls) == 1


def test_the_connection_goes_to_the_address_that_was_checked(receiver):
    port = receiver.url.split(":")[2].split("/")[0]
    asked = []

    def resolver(host, p):
        asked.append(host)
        return ["127.0.0.1"]

    # the name exists in no DNS: reaching the receiver proves nothing resolved it again
    outcome, _ = deliver(f"http://hooks.kgu61.example.kz:{port}/hooks/kelisim", timeout=2.0,
                         resolver=resolver)
    assert outcome == 200 and asked == ["hooks.kgu61.example.kz"]
    [call] = receiver.calls
    assert call.headers["Host"] == f"hooks.kgu61.example.kz:{port}"
    assert call.json["delivery_id"] == 41


def test_failures_are_logged_as_short_classes(receiver):
    receiver.default = 503
    assert deliver(receiver.url)[0].error == "HTTP 503"  # the body "try later" is not kept
    receiver.close()
    refused, _ = deliver(receiver.url)
    assert refused.error == "connection refused" and not refused.permanent
    internal, _ = deliver("http://10.0.0.1:5432/", policy=DestinationPolicy())
    assert internal.error == "destination refused: 10.0.0.1 is a private address"
    assert internal.permanent



def test_an_unforeseen_error_is_logged_by_its_class_without_its_text(receiver):
    """Whatever a library raises, its message (which may quote the receiver or name an
    internal address) stays out of the log the coordinator reads."""
    def failing(host, port):
        raise ValueError("upstream 10.9.8.7:5432 said: FATAL password authentication")

    outcome, _ = deliver(receiver.url.replace("127.0.0.1", "hooks.example.kz"),
                         resolver=failing)
    assert outcome.error == "connection failed (ValueError)" and not outcome.permanent


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for hooks.kgu61.example.kz: (cert, key) paths."""
    cert, key = self_signed(tmp_path_factory.mktemp("tls"), "hooks.kgu61.example.kz",
                            "DNS:hooks.kgu61.example.kz")
    return str(cert), str(key)


def test_https_to_the_checked_address_still_checks_the_certificate_of_the_name(certificate):
    cert, key = certificate
    peer = TlsReceiver(cert, key)
    try:
        def resolver(host, p):
            return ["127.0.0.1"] if host == "hooks.kgu61.example.kz" else []

        good = f"https://hooks.kgu61.example.kz:{peer.port}/hooks"
        assert deliver(good, timeout=3.0, resolver=resolver, ca_file=cert)[0] == 200
        assert peer.server_names == ["hooks.kgu61.example.kz"]
        assert b"Host: hooks.kgu61.example.kz:" in peer.requests[0]

        # the same receiver at its address: the certificate does not name it
        wrong, _ = deliver(f"https://127.0.0.1:{peer.port}/hooks", timeout=3.0, ca_file=cert)
        assert wrong.error == "TLS certificate not trusted" and not wrong.permanent
        # a CA bundle that does not hold its issuer
        untrusted, _ = deliver(good, timeout=3.0, resolver=resolver)
        assert untrusted.error == "TLS certificate not trusted"
        assert len(peer.requests) == 1
    finally:
        peer.close()
