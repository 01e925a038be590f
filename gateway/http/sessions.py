"""The session cookie, CSRF checks and what a trusted proxy says about the request.

The cookie is ``HttpOnly`` and ``SameSite=Lax``, and ``Secure`` when the request came over
TLS: directly, or as a trusted proxy says in ``X-Forwarded-Proto`` (``TRUSTED_PROXIES``,
addresses), or always with ``COOKIE_SECURE`` set. Every state-changing request authenticated
by the cookie must repeat the session's CSRF token in ``X-CSRF-Token`` (the synchronizer
token pattern; the token is answered by sign-in and ``GET /api/v1/session``).
"""
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
    proxies = config.get("TRUSTED_PROXIES") or ()
    return request.remote_addr in proxies


def over_tls(request, config):
    """True when the browser reached us over HTTPS (as far as we can tell)."""
    if config.get("COOKIE_SECURE"):
        return True
    if request.scheme == "https":
        return True
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return _trusted(request, config) and forwarded.split(",")[-1].strip().lower() == "https"


def client_address(request, config):
    """The client's IP: the peer, or the last hop a trusted proxy added to X-Forwarded-For."""
    if _trusted(request, config):
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")
                if h.strip()]
        if hops:
            return hops[-1][:64]
    return (request.remote_addr or "")[:64] or None


def set_session_cookie(response, secret, expires_at, secure):
    response.set_cookie(SESSION_COOKIE, secret, expires=expires_at, path="/", secure=secure,
                        httponly=True, samesite="Lax")
    return response


def clear_session_cookie(response, secure):
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True,
                           samesite="Lax")
    return response
