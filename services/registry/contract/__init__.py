"""The registry's contract: what the gateway and the other services may know of it.

- ``SERVICE``: the nameko name its RPC methods answer under (``RpcProxy(SERVICE)``);
- the words of its data (org unit kinds and levels, organisation kinds, accreditation
  statuses), which its domain (``services/registry/domain``) takes from here;
- ``schemas``: the marshmallow schemas of what its RPC methods accept and return (the
  gateway's requests and answers, and ``/openapi.json``);
- ``client``: how another service asks it, over RPC with plain dicts;
- :func:`event_types`: the events it publishes (their schemas: ``kelisim.events.catalogue.registry``).

Its RPC methods raise the shared errors of :mod:`kelisim.errors` (``NotFound``,
``Conflict``, ``Invalid``, ``Forbidden``), which cross RPC intact.
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


def event_types():
    """The types of the events the registry publishes, sorted; their payload schemas and
    versions are the shared catalogue's (``kelisim.events.catalogue.registry``)."""
    from kelisim.events.catalogue import published_by

    return published_by(SERVICE)
