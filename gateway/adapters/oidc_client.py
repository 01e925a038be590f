"""The OpenID Connect client (see :mod:`gateway.adapters.oidc`), through Authlib's requests
session and joserfc; imported by the gateway only when a provider is configured."""
import time

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gateway.adapters.oidc import ProviderError

DISCOVERY_TTL = 3600.0
# what a sign-in reads of the discovery document (OpenID Connect Discovery 1.0, §3)
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
ALGORITHMS = ["RS256", "PS256", "ES256", "EdDSA"]  # never "none", never HMAC with our secret


class OidcClient:
    """One provider; its discovery document and keys are fetched once an hour."""

    def __init__(self, settings):
        self.settings = settings
        self._metadata = None
        self._fetched = 0.0

    def metadata(self):
        """The provider's discovery document (a dict holding at least ``REQUIRED``'s
        texts), kept ``DISCOVERY_TTL`` seconds. Raises ProviderError when it cannot be had
        or is not such a document (then nothing is kept: the next sign-in asks again)."""
        if self._metadata is None or time.monotonic() - self._fetched > DISCOVERY_TTL:
            url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
            document = self._get(url)
            missing = [name for name in REQUIRED if not isinstance(document, dict)
                       or not isinstance(document.get(name), str)]
            if missing:
                raise ProviderError(f"the discovery document lacks {', '.join(missing)}")
            self._metadata, self._fetched = document, time.monotonic()
        return self._metadata

    def _get(self, url):
        try:
            response = requests.get(url, timeout=self.settings.timeout)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderError(f"the identity provider did not answer: {exc}") from None

    def _session(self):
        s = self.settings
        return OAuth2Session(s.client_id, s.client_secret, scope=s.scope,
                             redirect_uri=s.redirect_uri,
                             token_endpoint_auth_method="client_secret_basic",
                             code_challenge_method="S256")

    def authorization_url(self, state, nonce, code_verifier):
        """Where to send the browser: the provider's authorisation endpoint with PKCE."""
        url, _ = self._session().create_authorization_url(
            self.metadata()["authorization_endpoint"], state=state, nonce=nonce,
            code_verifier=code_verifier)
        return url

    def claims(self, code, code_verifier, nonce):
        """Exchange ``code`` and return the checked ID token's claims (a dict)."""
        metadata = self.metadata()
        try:
            token = self._session().fetch_token(
                metadata["token_endpoint"], grant_type="authorization_code", code=code,
                code_verifier=code_verifier, timeout=self.settings.timeout)
        except Exception as exc:  # Authlib raises OAuthError, requests its own
            raise ProviderError(f"the code was not accepted: {exc}") from None
        if "id_token" not in token:
            raise ProviderError("the provider answered no ID token")
        try:
            keys = KeySet.import_key_set(self._get(metadata["jwks_uri"]))
            decoded = jwt.decode(token["id_token"], keys, algorithms=ALGORITHMS)
            jwt.JWTClaimsRegistry(
                leeway=60, iss={"essential": True, "value": metadata["issuer"]},
                aud={"essential": True, "value": self.settings.client_id},
                exp={"essential": True},
                nonce={"essential": True, "value": nonce}).validate(decoded.claims)
        except (JoseError, ValueError, TypeError, KeyError) as exc:  # a key set not one too
            raise ProviderError(f"the ID token is not valid: {exc}") from None
        claims = dict(decoded.claims)
        if self.settings.claim not in claims and metadata.get("userinfo_endpoint"):
            claims.update(self._userinfo(metadata["userinfo_endpoint"], token, claims["sub"]))
        return claims

    def _userinfo(self, url, token, subject):
        """The UserInfo claims (a provider may put ``email`` there, not in the ID token);
        they must be about the ID token's subject."""
        try:
            response = requests.get(url, timeout=self.settings.timeout, headers={
                "Authorization": f"Bearer {token['access_token']}"})
            response.raise_for_status()
            info = response.json()
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise ProviderError(f"the provider's UserInfo did not answer: {exc}") from None
        if info.get("sub") != subject:
            raise ProviderError("the UserInfo answer is about another subject")
        return {k: v for k, v in info.items() if k != "sub"}
