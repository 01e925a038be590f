"""Where webhooks may go: by default public internet addresses only, in every spelling,
checked at registration (a 422 naming ``url``); the operator's allow-list widens it."""
import ipaddress

import pytest

from kelisim.errors import Invalid
from services.notifications.adapters.channels import pinned
from services.notifications.domain.destinations import (
    DestinationPolicy,
    Refused,
    Unresolvable,
    allowed_addresses,
    numeric_ipv4,
    split_url,
    spread,
)
from services.notifications.service_layer import webhooks
from services.notifications.settings import from_config
from tests.support_notifications import NOW, PUBLIC_ADDRESS, TURKISTAN, public_dns

INTERNAL = [
    # loopback, every spelling
    "http://127.0.0.1:8000/api/v1/tokens", "http://127.1/", "http://2130706433/",
    "http://0x7f.1/", "http://0x7f000001/", "http://0177.0.0.1/", "http://017700000001/",
    "http://127.000.000.001/", "http://localhost/", "http://LOCALHOST./x",
    "http://localhost:5432/", "http://[::1]/", "http://[0:0:0:0:0:0:0:1]:9101/metrics",
    "http://[::ffff:7f00:1]/", "http://[::ffff:127.0.0.1]/", "http://[::127.0.0.1]/",
    "http://[2002:7f00:1::]/", "http://[64:ff9b::7f00:1]/",
    # the cloud metadata address and link-local
    "http://169.254.169.254/latest/meta-data/", "http://0xa9fea9fe/", "http://2852039166/",
    "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[fe80::1]/",
    # private, carrier-grade NAT, unspecified
    "http://10.0.0.1/", "http://10.1/", "http://172.16.5.4/", "http://192.168.1.1/",
    "https://[fd12:3456::1]/", "http://[fc00::1]/", "http://[2002:a00:1::]/",
    "http://100.64.0.1/", "http://100.127.255.254/", "http://0.0.0.0/", "http://0/",
    "http://[::]/",
    # multicast, broadcast, reserved and special-purpose
    "http://224.0.0.1/", "http://239.255.255.250:1900/", "http://[ff02::1]/",
    "http://255.255.255.255/", "http://240.0.0.1/", "http://192.0.2.1/", "http://198.18.0.1/",
    "http://[2001:db8::1]/",
    # IPv6 site-local (deprecated, still routed inside some networks like fc00::/7)
    "http://[fec0::1]/", "http://[feff:ffff::1]:8080/",
]
MALFORMED = ["http://user:pass@93.184.215.14/", "http://token@93.184.215.14/",
             "ftp://93.184.215.14/", "http:///nohost", "http://93.184.215.14:99999/",
             "gopher://93.184.215.14/"]
PUBLIC = ["http://93.184.215.14/hooks", "https://93.184.215.14:8443/h?x=1",
          "https://[2606:4700:4700::1111]/hooks", "http://kgu61.example.kz/h"]


@pytest.mark.parametrize("url", INTERNAL + MALFORMED)
def test_the_default_refuses_every_spelling_of_an_internal_address(uow, directory, url):
    with pytest.raises(Invalid) as refused:
        webhooks.register_webhook(uow(TURKISTAN), directory, {
            "url": url, "event_types": ["task_assigned"]}, resolver=pinned.resolve)
    assert list(refused.value.errors) == ["url"]
    assert webhooks.list_webhooks(uow(TURKISTAN), {}) == []


@pytest.mark.parametrize("url", INTERNAL)
def test_the_rule_itself_refuses_them_not_only_the_url_syntax(url):
    """The same URLs refused by the destination rule alone (the system's resolver, as at
    connect time), whatever the URL field's own syntax check would say."""
    with pytest.raises((Refused, Unresolvable)):
        allowed_addresses(url, DestinationPolicy(), pinned.resolve)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_destinations_pass(url):
    destination, addresses = allowed_addresses(url, DestinationPolicy(), public_dns)
    assert addresses and all(ipaddress.ip_address(a).is_global for a in addresses)
    assert destination.scheme in ("http", "https")


def test_a_name_with_one_internal_address_among_public_ones_is_refused():
    def split_horizon(host, port):
        return [PUBLIC_ADDRESS, "10.0.0.7"]

    with pytest.raises(Refused) as refused:
        allowed_addresses("https://hooks.example.kz/", DestinationPolicy(), split_horizon)
    assert str(refused.value.reason) == "the host does not resolve to public internet addresses only"


def test_the_refusal_names_the_field_and_says_why(uow, directory):
    with pytest.raises(Invalid) as refused:
        webhooks.register_webhook(uow(TURKISTAN), directory, {
            "url": "http://2130706433:9101/metrics", "event_types": ["task_assigned"]})
    assert refused.value.errors == {"url": "2130706433 is a loopback address"}
    with pytest.raises(Invalid) as credentials:
        webhooks.register_webhook(uow(TURKISTAN), directory, {
            "url": "https://u:p@hooks.example.kz/", "event_types": ["task_assigned"]},
            resolver=public_dns)
    assert "credentials" in credentials.value.errors["url"]
    with pytest.raises(Invalid) as unknown:  # no such name: the same answer as internal
        webhooks.register_webhook(uow(TURKISTAN), directory, {
            "url": "https://nowhere.invalid/", "event_types": ["task_assigned"]},
            resolver=public_dns)
    assert unknown.value.errors["url"] == (
        "the host does not resolve to public internet addresses only")


def test_inet_aton_spellings_are_read_as_the_address_they_mean():
    for spelling in ("2130706433", "0x7f.1", "0177.0.0.1", "127.1", "0x7F000001", "127.0.1"):
        assert str(numeric_ipv4(spelling)) == "127.0.0.1", spelling
    assert str(numeric_ipv4("10.1.258")) == "10.1.1.2"
    for name in ("example", "1.2.3.4.5", "08", "0x", "256.1.1.1", "1.2.3.256", ""):
        assert numeric_ipv4(name) is None, name


def test_an_operator_allows_named_networks_and_hosts(uow, directory):
    policy = DestinationPolicy.parse("10.20.0.0/16, 127.0.0.1/32",
                                     "hooks.gov.local,*.egov.kz")
    for url in ("http://10.20.3.4/h", "http://127.0.0.1:8080/h", "http://[::ffff:10.20.0.9]/",
                "http://2130706433/"):
        allowed_addresses(url, policy, public_dns)
    for url in ("http://10.21.0.1/h", "http://169.254.169.254/", "http://[::1]/"):
        with pytest.raises(Refused):
            allowed_addresses(url, policy, public_dns)

    def internal_dns(host, port):
        return ["10.99.0.5"]

    for url in ("https://hooks.gov.local/h", "https://a.b.egov.kz/h", "https://egov.kz/"):
        allowed_addresses(url, policy, internal_dns)
    with pytest.raises(Refused):
        allowed_addresses("https://notegov.kz/", policy, internal_dns)
    # an allowed name that does not resolve yet is accepted; it is checked when sent
    created = webhooks.register_webhook(uow(TURKISTAN), directory, {
        "url": "https://hooks.gov.local/kelisim", "event_types": ["task_assigned"]},
        policy=policy, resolver=public_dns)
    assert created["url"] == "https://hooks.gov.local/kelisim"

    for networks, hosts in (("10.0.0.0/33", ""), ("not-a-net", ""), ("", "http://x.kz"),
                            ("", "a/b")):
        with pytest.raises(ValueError):
            DestinationPolicy.parse(networks, hosts)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.0.1", "::1", "169.254.169.254",
                                     "fe80::1", "0.0.0.0", "::", "224.0.0.1",
                                     "::ffff:169.254.169.254"])
def test_an_allowed_host_name_never_opens_loopback_link_local_or_unspecified(address):
    """``*.egov.kz`` allowed: a name under it that someone points at this host or at the
    cloud metadata address is still refused; an allowed network opens them."""
    by_name = DestinationPolicy.parse("", "*.egov.kz")
    with pytest.raises(Refused):
        allowed_addresses("https://x.egov.kz/h", by_name, lambda host, port: [address])
    assert allowed_addresses("https://x.egov.kz/h", by_name,
                             lambda host, port: ["10.99.0.5"])[1] == ["10.99.0.5"]
    network = "::/0" if ":" in address else "0.0.0.0/0"
    opened = DestinationPolicy.parse(network, "*.egov.kz")
    assert allowed_addresses("https://x.egov.kz/h", opened,
                             lambda host, port: [address])[1] == [address]


def test_the_allow_list_comes_from_the_environment_or_the_config(monkeypatch):
    assert from_config({}).webhook_destinations == DestinationPolicy()
    monkeypatch.setenv("KELISIM_WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16,fd00:1::/64")
    monkeypatch.setenv("KELISIM_WEBHOOK_ALLOWED_HOSTS", "Hooks.Gov.Local.")
    policy = from_config({}).webhook_destinations
    assert [str(n) for n in policy.allowed_networks] == ["10.20.0.0/16", "fd00:1::/64"]
    assert policy.allowed_hosts == ("hooks.gov.local",)
    configured = from_config({"NOTIFICATIONS": {"webhook_destinations": {
        "networks": ["127.0.0.1/32"]}}}).webhook_destinations
    assert [str(n) for n in configured.allowed_networks] == ["127.0.0.1/32"]
    monkeypatch.setenv("KELISIM_WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/40")
    with pytest.raises(ValueError, match="10.20.0.0/40"):
        from_config({})


def test_a_destination_is_its_host_and_port():
    assert split_url("HTTPS://Hooks.Example.KZ./a?b=1").key == "hooks.example.kz:443"
    assert split_url("http://[::1]:81/").host_header == "[::1]:81"
    assert split_url("https://hooks.example.kz/x?y").path == "/x?y"


def test_one_destination_gets_at_most_its_share_of_the_workers():
    due = [(1, "slow:80"), (2, "slow:80"), (3, "slow:80"), (4, "other:443"), (5, "slow:80"),
           (6, None)]
    assert spread(due, 10, {}, 2) == [1, 2, 4, 6]
    assert spread(due, 2, {}, 2) == [1, 2]
    assert spread(due, 10, {"slow:80": 2}, 2) == [4, 6]
    assert spread(due, 10, {}, None) == [1, 2, 3, 4, 5, 6]


def test_one_address_in_any_spelling_is_one_destination():
    """Else a coordinator writing one receiver's address in several spellings would get
    several shares of the workers."""
    keys = {split_url(url).key for url in (
        "http://93.184.215.14/", "http://1572394766/", "http://0x5d.0xb8.0xd7.0x0e/",
        "http://93.184.55054/", "http://[::ffff:93.184.215.14]:80/")}
    assert keys == {"93.184.215.14:80"}


def test_one_region_gets_at_most_its_share_of_the_workers_over_all_its_destinations():
    due = [(1, "a:80", "KZ-61"), (2, "b:80", "KZ-61"), (3, "c:80", "KZ-61"),
           (4, "d:80", "KZ-75"), (5, "e:80", None)]
    assert spread(due, 10, {}, 2, 2) == [1, 2, 4, 5]
    assert spread(due, 10, {("group", "KZ-61"): 1}, 2, 2) == [1, 4, 5]
    assert spread(due, 10, {}, 2, None) == [1, 2, 3, 4, 5]


def test_enabling_a_webhook_checks_its_destination_again(uow, directory):
    """The operator narrowed the allow-list since: a disabled internal webhook stays off."""
    widened = DestinationPolicy.parse("10.20.0.0/16")
    hook = webhooks.register_webhook(uow(TURKISTAN), directory, {
        "url": "http://10.20.0.5/hooks", "event_types": ["task_assigned"]}, policy=widened)
    with uow() as work:
        work.repo.webhook(hook["id"]).disable(NOW, "gave up")
        work.commit()
    with pytest.raises(Invalid) as refused:
        webhooks.enable_webhook(uow(TURKISTAN), hook["id"])
    assert refused.value.errors == {"url": "10.20.0.5 is a private address"}
    assert webhooks.list_webhooks(uow(TURKISTAN), {})[0]["active"] is False
    assert webhooks.enable_webhook(uow(TURKISTAN), hook["id"], policy=widened)["active"]


@pytest.mark.parametrize("url, kk, ru", [
    ("http://127.0.0.1:9101/metrics", "127.0.0.1 — кері тұйық (loopback) мекенжай",
     "127.0.0.1 — адрес обратной петли (loopback)"),
    ("http://10.0.0.7/hooks", "10.0.0.7 — жеке желінің мекенжайы", "10.0.0.7 — адрес частной сети"),
    ("https://u:p@hooks.example.kz/",
     "URL ішінде тіркелгі деректеріне рұқсат жоқ; қабылдаушы оның орнына қолтаңбаны тексереді",
     "учётные данные в URL не допускаются; получатель вместо этого проверяет подпись"),
])
def test_a_webhook_refusal_reads_in_the_reader_language(uow, directory, url, kk, ru):
    """Issue 13: the reason a webhook URL is refused is a catalogue text, not English."""
    with pytest.raises(Invalid) as refused:
        webhooks.register_webhook(uow(TURKISTAN), directory, {
            "url": url, "event_types": ["task_assigned"]}, resolver=public_dns)
    assert refused.value.errors_in("kk") == {"url": kk}
    assert refused.value.errors_in("ru") == {"url": ru}
    assert kk in refused.value.detail_in("kk") and ru in refused.value.detail_in("ru")
