"""The session cookie, CSRF checks and what a trusted proxy says about the request.

The cookie is ``HttpOnly`` and ``SameSite=Lax``, and ``Secure`` when the request came over
TLS: directly, or as a trusted proxy says in ``X-Forwarded-Proto`` (``TRUSTED_PROXIES``,
addresses or networks), or always with ``COOKIE_SECURE`` set. Every state-changing request
authenticated by the cookie must repeat the session's CSRF token in ``X-CSRF-Token`` (the
synchronizer token pattern; the token is answered by sign-in and ``GET /api/v1/session``).
"""
import ipaddress
from functools import lru_cache

from gateway.domain.opaque import csrf_token_for, same
from gateway.errors import CsrfFailed
from kelisim.i18n import _

SESSION_COOKIE = "kelisim_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def check_csrf(request, session_secret):
    """Raise CsrfFailed (403) for a state-changing request without the session's token."""
    if request.method in SAFE_METHODS:
        return
    if not same(request.headers.get(CSRF_HEADER), csrf_token_for(session_secret)):
        raise CsrfFailed(_("a change made with a session cookie needs its {header} header",
                           header=CSRF_HEADER))


def _trusted(request, config):
    """Is the peer one of ``TRUSTED_PROXIES`` (networks, kelisim.config.networks)? An
    IPv4 peer seen as IPv6 (``::ffff:10.0.0.5``) is matched as IPv4."""
    proxies = tuple(config.get("TRUSTED_PROXIES") or ())
    peer = _address(request.remote_addr or "")
    if not proxies or peer is None:
        return False
    peer = getattr(peer, "ipv4_mapped", None) or peer
    return any(peer in network for network in _networks(proxies))


@lru_cache(maxsize=16)
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def over_tls(request, config):
    """True when the browser reached us over HTTPS (as far as we can tell)."""
    if config.get("COOKIE_SECURE"):
        return True
    if request.scheme == "https":
        return True
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return _trusted(request, config) and forwarded.split(",")[-1].strip().lower() == "https"


def client_address(request, config):
    """The client's IP: the peer, or the last hop a trusted proxy added to X-Forwarded-For
    when that hop is an IP address (anything else there is not believed)."""
    if _trusted(request, config):
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")
                if h.strip()]
        if hops and _address(hops[-1]) is not None:
            return hops[-1]
    return (request.remote_addr or "")[:64] or None


def _address(text):
    """``text`` as an IP address, else None."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def set_session_cookie(response, secret, expires_at, secure):
    response.set_cookie(SESSION_COOKIE, secret, expires=expires_at, path="/", secure=secure,
                        httponly=True, samesite="Lax")
    return response


def clear_session_cookie(response, secure):
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True,
                           samesite="Lax")
    return response
