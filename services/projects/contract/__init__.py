"""The projects service's contract: what the gateway and the other services may know of it.

- ``SERVICE``: the nameko name its RPC methods answer under;
- the words of its data (plan and task statuses, task kinds, scheduling modes, RACI roles,
  assignee kinds, budget and risk categories, what template items close with), which its
  domain (``services/projects/domain``) takes from here;
- ``dates``: how a template writes its dates (``MM-DD`` days, quarters and half-years,
  recurrence rules), checked by the schemas on load;
- ``schemas``: the marshmallow schemas of what its RPC methods accept and return (the
  gateway's requests and answers, and ``/openapi.json``); money travels as decimal
  strings in KZT, dates as ISO dates;
- :func:`event_types`: the events it publishes (their schemas: ``kelisim.events.catalogue.projects``).

Its RPC methods raise the shared errors of :mod:`kelisim.errors` (``NotFound``,
``Conflict``, ``Invalid``, ``Forbidden``), which cross RPC intact.
Nothing here imports the service's domain, adapters, service layer or entrypoints
(``make lint`` checks it: pyproject.toml's ``[tool.importlinter]``).
"""

SERVICE = "projects"

PLAN_STATUSES = ("draft", "approved", "in_progress", "closed")
TASK_KINDS = ("phase", "task", "milestone")
TASK_STATUSES = ("planned", "in_progress", "done", "cancelled")
SCHEDULING_MODES = ("auto", "manual")
RACI_ROLES = ("R", "A", "C", "I")
ASSIGNEE_KINDS = ("org_unit", "structure", "person", "organisation")
MAX_LAG = 250  # working days, about a year
BUDGET_CATEGORIES = ("events", "training", "publishing", "media", "research", "travel",
                     "equipment", "grants", "other")
RISK_STATUSES = ("identified", "assessed", "mitigating", "closed", "occurred")
RISK_CATEGORIES = ("organisational", "financial", "social", "political", "legal",
                   "informational", "schedule", "other")
# What a template item closes with (the action plan's «аяқталу нысаны» column).
CLOSING_FORMS = ("protocol", "report", "information_sent", "publication", "media_placement",
                 "analytical_report", "register_update", "methodical_manual", "event_held")


def event_types():
    """The types of the events the projects service publishes, sorted; their payload schemas and
    versions are the shared catalogue's (``kelisim.events.catalogue.projects``)."""
    from kelisim.events.catalogue import published_by

    return published_by(SERVICE)
