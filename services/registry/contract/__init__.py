"""The registry's contract: what the gateway and the other services may know of it.

- ``SERVICE``: the nameko name its RPC methods answer under (``RpcProxy(SERVICE)``);
- the words of its data (org unit kinds and levels, organisation kinds, accreditation
  statuses), which its domain (``services/registry/domain``) takes from here;
- ``schemas``: the marshmallow schemas of what its RPC methods accept and return (the
  gateway's requests and answers, and ``/openapi.json``);
- ``client``: how another service asks it, over RPC with plain dicts;
- its events: ``kelisim.events.catalogue.registry`` (the shared catalogue).

Nothing here imports the registry's domain, adapters, service layer or entrypoints
(``make lint`` checks it: pyproject.toml's ``[tool.importlinter]``).
"""

SERVICE = "registry"

LEVELS = ("republican", "regional", "city", "district", "rural")
ORG_UNIT_KINDS = ("rgu", "kgu", "kgu_branch", "house_of_friendship")
ACCREDITATION_STATUSES = ("accredited", "pending", "not_accredited")
# Kinds of organisations outside the Assembly that its plans name as co-executors.
ORGANISATION_KINDS = ("ministry", "akimat", "agency", "prosecutor", "research_institute",
                      "chamber", "ngo", "media", "other")
