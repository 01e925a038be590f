"""The registry, asked defensively: a missing or slow registry means "no answer", not a hang.

The questions are the registry's own client (services/registry/contract/client.py); this
is the reports service's policy around them: a timeout, a few attempts, then its local copy.
"""
import eventlet

from kelisim.logging import get_logger
from kelisim.rpc import RpcProxy
from services.registry.contract import SERVICE as REGISTRY
from services.registry.contract.client import RegistryClient

log = get_logger(__name__)
REPORTING_KINDS = ("kgu", "kgu_branch", "house_of_friendship")


class DefensiveRegistry(RpcProxy):
    """``RpcProxy("registry")`` whose ``org_units()`` gives up after ``RPC_TIMEOUT`` s."""

    def __init__(self):
        super().__init__(REGISTRY)

    def get_dependency(self, worker_ctx):
        proxy = super().get_dependency(worker_ctx)
        config = self.container.config
        return Registry(RegistryClient(proxy), float(config.get("RPC_TIMEOUT", 10)),
                        int(config.get("REPORTS_REGISTRY_ATTEMPTS", 3)))


class Registry:
    PAUSE = 2.0  # seconds between attempts (the registry may still be starting)

    def __init__(self, client, timeout, attempts=3):
        self._client = client
        self.timeout = timeout
        self.attempts = max(1, attempts)

    def org_units(self):
        """Every org unit that may have to report, or None if the registry did not answer."""
        for attempt in range(1, self.attempts + 1):
            try:
                return self._fetch()
            except (Exception, eventlet.Timeout) as exc:
                log.warning("registry did not answer", attempt=attempt, error=repr(exc))
            if attempt < self.attempts:
                eventlet.sleep(self.PAUSE)
        log.warning("using the local copy of org units")
        return None

    def regions(self):
        """{code: {"kk", "ru", "en"} name} of the 20 regions; {} if the registry is silent
        (an export then names regions by their codes)."""
        try:
            with eventlet.Timeout(self.timeout):
                found = self._client.regions()
        except (Exception, eventlet.Timeout) as exc:
            log.warning("registry did not answer", error=repr(exc))
            return {}
        return {r["code"]: {lang: r.get(f"name_{lang}") for lang in ("kk", "ru", "en")
                            if r.get(f"name_{lang}")} for r in found}

    def _fetch(self):
        units = []
        with eventlet.Timeout(self.timeout):
            for kind in REPORTING_KINDS:
                units.extend(self._client.org_units({"kind": kind}))
        return units
