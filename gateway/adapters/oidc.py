"""An OpenID Connect provider, through Authlib (and joserfc, its JOSE library): discovery,
the authorisation URL (code flow with PKCE S256), the code exchange and the ID token's
checks (signature by the provider's JWKS, issuer, audience, expiry, nonce); the mapped
claim from the UserInfo endpoint when the ID token does not carry it.

Configured by the environment (see kelisim/config.py): ``KELISIM_OIDC_ISSUER``,
``KELISIM_OIDC_CLIENT_ID``, ``KELISIM_OIDC_CLIENT_SECRET``, ``KELISIM_OIDC_REDIRECT_URI``,
``KELISIM_OIDC_SCOPE`` and ``KELISIM_OIDC_CLAIM`` (the claim naming the account's login).

The client is in :mod:`gateway.adapters.oidc_client`, imported only where a provider is
configured: Authlib, joserfc and requests are ~7 MiB of the gateway's resident memory.
"""
from dataclasses import dataclass


class ProviderError(Exception):
    """The provider refused or could not be reached; the sign-in does not happen."""


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scope: str = "openid email"
    claim: str = "email"
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config, default_redirect=None):
        """The settings in a nameko config's ``OIDC`` dict, or None when not configured;
        ``default_redirect`` stands in for a missing ``redirect_uri``."""
        oidc = {k: v for k, v in (config.get("OIDC") or {}).items() if v is not None}
        if not oidc.get("issuer"):
            return None
        oidc.setdefault("redirect_uri", default_redirect)
        return cls(**oidc)
