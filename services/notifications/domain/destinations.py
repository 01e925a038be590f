"""Where a webhook may be sent: public internet addresses only, unless an operator allows more.

A webhook URL is chosen by a KGU coordinator, so the platform must not become a way into
its own network (server-side request forgery). The rules follow the OWASP SSRF prevention
cheat sheet and what the well-kept webhook senders do:

- ``http`` or ``https``, a host, no credentials (``user:pass@``) in the URL;
- every address the host resolves to must be public: loopback, private (RFC 1918, ULA,
  IPv6 site-local fec0::/10),
  link-local (the cloud metadata address 169.254.169.254 included), carrier-grade NAT
  (100.64.0.0/10), multicast, unspecified and reserved or special-purpose ranges are
  refused, also when written as IPv4-mapped (``::ffff:127.0.0.1``), IPv4-compatible,
  6to4 (2002::/16), Teredo or NAT64 (64:ff9b::/96) IPv6, or in the decimal, octal and hex
  forms ``inet_aton`` accepts (``2130706433``, ``0x7f.1``, ``0177.0.0.1``, ``127.1``);
- an operator widens this with :class:`DestinationPolicy` (networks and host names).

The check runs when a webhook is registered and again at connect time, on the address
the connection then uses (see ``adapters.channels.pinned``). Pure functions, no I/O.
"""
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from kelisim.i18n import C_, _

SCHEMES = {"http": 80, "https": 443}
CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

NOT_PUBLIC_ONLY = _("the host does not resolve to public internet addresses only")
ADDRESS_KIND = {  # why an address is not public, in every language
    "unspecified": C_("address kind", "an unspecified address"),
    "loopback": C_("address kind", "a loopback address"),
    "link-local": C_("address kind", "a link-local address"),
    "multicast": C_("address kind", "a multicast address"),
    "site-local": C_("address kind", "a site-local address"),
    "carrier-grade NAT": C_("address kind", "a carrier-grade NAT address"),
    "private": C_("address kind", "a private address"),
    "reserved": C_("address kind", "a reserved address"),
}


class Refused(Exception):
    """The destination is not allowed; ``reason`` says why, for the caller: a
    :class:`kelisim.i18n.Msg`, read in the caller's language (``str()`` is English)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Destination:
    """Where a URL points: ``host`` lower-case, without brackets or a trailing dot."""

    scheme: str
    host: str
    port: int
    path: str            # path and query, as sent in the request line

    @property
    def key(self):
        """Deliveries to one key share the per-destination bound of the dispatcher; a
        literal address is keyed in its one canonical spelling (``2130706433``, ``127.1``
        and ``127.0.0.1`` are one destination)."""
        literal = literal_address(self.host)
        if literal is not None and literal.version == 6 and literal.ipv4_mapped:
            literal = literal.ipv4_mapped
        return f"{literal if literal is not None else self.host}:{self.port}"

    @property
    def host_header(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


def split_url(url):
    """The :class:`Destination` of a webhook URL; :class:`Refused` for one that cannot be
    a webhook (another scheme, no host, a bad port, credentials in the URL)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(_("not a valid URL (its port or address cannot be read)")) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise Refused(_("only http and https URLs are allowed"))
    if "@" in parts.netloc:
        raise Refused(_("credentials in the URL are not allowed; the receiver checks the "
                        "signature instead"))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused(_("the URL has no host"))
    if "%" in host:
        raise Refused(_("IPv6 zone identifiers are not allowed"))
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise Refused(_("the host is not a valid domain name")) from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Destination(scheme, host, port or SCHEMES[scheme], path)


def numeric_ipv4(host):
    """The IPv4 address a numeric host means in the ``inet_aton`` forms (one to four parts,
    each decimal, ``0x`` hex or ``0`` octal: ``2130706433``, ``0x7f.1``, ``127.1``), or
    None when ``host`` is not such a number."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        try:
            if part[:2] in ("0x", "0X"):
                values.append(int(part[2:], 16))
            elif len(part) > 1 and part.startswith("0"):
                values.append(int(part, 8))
            else:
                values.append(int(part, 10) if part.isdigit() else -1)
        except ValueError:
            return None
        if values[-1] < 0:
            return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for value in head:
        number = number * 256 + value
    number = number * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(number)


def literal_address(host):
    """The IP address a host names literally (any spelling above), or None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return numeric_ipv4(host)


def embedded_ipv4(ip):
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, Teredo,
    NAT64): a packet to it may well reach them."""
    if ip.version != 6:
        return []
    found = [ip.ipv4_mapped, ip.sixtofour]
    if ip.teredo:
        found.extend(ip.teredo)
    if any(ip in net for net in NAT64) or (ip in IPV4_COMPATIBLE and int(ip) > 1):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [a for a in found if a is not None]


def non_public(ip):
    """Why ``ip`` is not a public internet address (a short phrase, a Msg), or None if it is."""
    ip = ipaddress.ip_address(ip)
    checks = ((ADDRESS_KIND["unspecified"], ip.is_unspecified),
              (ADDRESS_KIND["loopback"], ip.is_loopback),
              (ADDRESS_KIND["link-local"], ip.is_link_local),
              (ADDRESS_KIND["multicast"], ip.is_multicast),
              (ADDRESS_KIND["site-local"], ip.version == 6 and ip.is_site_local),
              (ADDRESS_KIND["carrier-grade NAT"], ip.version == 4 and ip in CARRIER_GRADE_NAT),
              (ADDRESS_KIND["private"], ip.is_private),
              (ADDRESS_KIND["reserved"], ip.is_reserved or not ip.is_global))
    for reason, hit in checks:
        if hit:
            return reason
    for inner in embedded_ipv4(ip):
        reason = non_public(inner)
        if reason:
            return _("{reason} ({inner}) written as IPv6", reason=reason, inner=str(inner))
    return None


def never_by_name(ip):
    """Whether ``ip`` (or an IPv4 address it carries) is loopback, link-local, unspecified
    or multicast: the addresses no allowed host name opens."""
    for address in [ip] + embedded_ipv4(ip):
        if (address.is_loopback or address.is_link_local or address.is_unspecified
                or address.is_multicast):
            return True
    return False


def _network(text):
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ValueError(f"not a network: {text!r} (write e.g. 10.20.0.0/16)") from None


def _host_pattern(text):
    name = text.strip().lower().rstrip(".")
    bare = name[2:] if name.startswith("*.") else name
    if not bare or "/" in bare or "@" in bare or ":" in bare and literal_address(bare) is None:
        raise ValueError(f"not a host name: {text!r} (write e.g. hooks.kgu.gov.kz or "
                         "*.gov.kz)")
    return name


@dataclass(frozen=True)
class DestinationPolicy:
    """The operator's widening of the public-only rule.

    ``allowed_networks``: addresses in these networks are accepted whatever their range
    (e.g. a government network ``10.20.0.0/16``). ``allowed_hosts``: host names whose
    addresses are accepted whatever they are; ``*.example.kz`` allows the domain and every
    name under it. Both empty by default: public addresses only.
    """

    allowed_networks: tuple = ()
    allowed_hosts: tuple = ()

    @classmethod
    def parse(cls, networks=(), hosts=()):
        """From lists (or comma-separated strings) of networks and host names; ValueError
        naming the entry that is neither."""
        if isinstance(networks, str):
            networks = networks.split(",")
        if isinstance(hosts, str):
            hosts = hosts.split(",")
        return cls(tuple(_network(n) for n in networks if n.strip()),
                   tuple(_host_pattern(h) for h in hosts if h.strip()))

    def host_allowed(self, host):
        for pattern in self.allowed_hosts:
            if host == pattern or pattern.startswith("*.") and (
                    host == pattern[2:] or host.endswith(pattern[1:])):
                return True
        return False

    def refusal(self, destination, ip):
        """Why ``destination`` may not be reached at ``ip``, or None when it may. An
        allowed host name may resolve to any address but this host's own and the
        cloud metadata's (loopback, link-local, unspecified, multicast): a name under an
        allowed domain that someone points there reaches nothing; only an allowed network
        opens those."""
        ip = ipaddress.ip_address(ip)
        if self.host_allowed(destination.host) and not never_by_name(ip):
            return None
        candidates = [ip] + ([ip.ipv4_mapped] if ip.version == 6 and ip.ipv4_mapped else [])
        if any(c in net for c in candidates for net in self.allowed_networks
               if c.version == net.version):
            return None
        reason = non_public(ip)
        if reason is None:
            return None
        if literal_address(destination.host) is not None:
            return _("{host} is {reason}", host=destination.host, reason=reason)
        return NOT_PUBLIC_ONLY


def check_addresses(destination, addresses, policy):
    """Raise :class:`Refused` unless every one of ``addresses`` (where ``destination``'s
    host resolved) may be reached: a name with one internal address is refused whole."""
    if not addresses:
        raise Refused(NOT_PUBLIC_ONLY)
    for ip in addresses:
        reason = policy.refusal(destination, ip)
        if reason:
            raise Refused(reason)


class Unresolvable(Exception):
    """A host name did not resolve (it may later)."""


def allowed_addresses(url, policy, resolver):
    """The addresses ``url`` may be reached at, each checked against ``policy``.

    ``resolver(host, port)`` returns the addresses a name resolves to now (a literal
    address in any spelling is not resolved). Raises :class:`Refused` for a URL or an
    address the policy refuses, :class:`Unresolvable` for a name that does not resolve
    (now). Returns ``(destination, [ip])``.
    """
    destination = split_url(url)
    literal = literal_address(destination.host)
    addresses = [str(literal)] if literal is not None else list(
        resolver(destination.host, destination.port))
    if not addresses:
        raise Unresolvable("the host name did not resolve")
    check_addresses(destination, addresses, policy)
    return destination, addresses


def spread(candidates, free, busy, cap, group_cap=None):
    """Which due deliveries to start: ``candidates`` [(id, key)] or [(id, key, group)]
    oldest first, at most ``free`` of them, at most ``cap`` in flight per key (a
    destination) and at most ``group_cap`` per group (the region whose webhooks they are),
    counting ``busy`` {key or group: n} already in flight (a group is counted under
    ``("group", group)``). Keeps one receiver, and one region's many receivers, from
    occupying every worker. Returns the ids."""
    taken = dict(busy)
    picked = []
    for delivery_id, key, *rest in candidates:
        group = ("group", rest[0]) if rest and rest[0] is not None else None
        if len(picked) >= free:
            break
        if key is not None and cap and taken.get(key, 0) >= cap:
            continue
        if group is not None and group_cap and taken.get(group, 0) >= group_cap:
            continue
        taken[key] = taken.get(key, 0) + 1
        if group is not None:
            taken[group] = taken.get(group, 0) + 1
        picked.append(delivery_id)
    return picked
