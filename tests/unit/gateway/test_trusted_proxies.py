"""Which peers are trusted proxies (``KELISIM_TRUSTED_PROXIES``): addresses or networks, as
``kelisim.config.networks`` gives them. A network such as ``10.0.0.0/8`` was once refused
(before that, kept and matched nothing), and a peer was compared as a string, so
``::ffff:10.0.0.5`` did not match ``10.0.0.5``."""
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.http.sessions import client_address, over_tls

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7, 10.1.2.3"}


def request_from(peer):
    return Request(EnvironBuilder(headers=FORWARDED,
                                  environ_base={"REMOTE_ADDR": peer}).get_environ())


@pytest.mark.parametrize("peer,proxies", [
    ("10.20.30.40", ["10.0.0.0/8"]), ("10.0.0.5", ["10.0.0.5/32"]),
    ("::ffff:10.0.0.5", ["10.0.0.0/8"]), ("fd00::17", ["192.168.0.0/16", "fd00::/8"])])
def test_a_peer_in_a_trusted_network_is_believed(peer, proxies):
    request = request_from(peer)
    config = {"TRUSTED_PROXIES": proxies}
    assert over_tls(request, config) is True
    assert client_address(request, config) == "10.1.2.3"


@pytest.mark.parametrize("peer,proxies", [
    ("11.0.0.1", ["10.0.0.0/8"]), ("10.0.0.5", []), ("10.0.0.5", ["fd00::/8"]),
    ("not-an-address", ["10.0.0.0/8"])])
def test_any_other_peer_is_not(peer, proxies):
    request = request_from(peer)
    config = {"TRUSTED_PROXIES": proxies}
    assert over_tls(request, config) is False
    assert client_address(request, config) == peer


@pytest.mark.parametrize("forwarded", ["<script>alert(1)</script>", "unknown", "10.0.0.1:443"])
def test_a_trusted_hop_that_is_not_an_address_is_not_believed(forwarded):
    request = Request(EnvironBuilder(headers={"X-Forwarded-For": f"203.0.113.7, {forwarded}"},
                                     environ_base={"REMOTE_ADDR": "10.0.0.5"}).get_environ())
    assert client_address(request, {"TRUSTED_PROXIES": ["10.0.0.0/8"]}) == "10.0.0.5"
