"""Who receives an event: resolved through a directory of org units and people.

- the KGU of each region in the envelope's ``regions``;
- the org units, structures and people named Responsible or Accountable in a projects
  event (the assignee, the previous assignee, the ``responsible`` list);
- the org unit a report belongs to;
- nobody for an organisation outside the Assembly (``organisation``: a ministry, an
  akimat): it has no inbox, people or webhooks of its own; the event still reaches the
  regions' KGUs and the regional stream, and names it;
- the RGU project office for escalations: risk escalated, budget overrun, and a report
  overdue at or past ``report_escalation_stage``.

The directory answers ``kgu_of(region)``, ``rgu()``, ``org_unit(id)``, ``structure(id)``,
``people_of_unit(id)``, ``people_of_structure(id)`` and ``person(id, region)``, with
org units and people as the registry's dicts (or None when unknown).
"""
from dataclasses import dataclass, field

NAMED_ROLES = ("R", "A")
ALWAYS_ESCALATED = ("risk_escalated", "budget_overrun")


@dataclass
class Audience:
    """Org units (inbox, webhooks) and people (e-mail), each person with the org unit
    whose preferences apply when the person has none of their own."""

    org_units: dict = field(default_factory=dict)      # id -> org unit dict
    people: dict = field(default_factory=dict)         # id -> person dict
    home_unit: dict = field(default_factory=dict)      # person id -> org unit id

    def add_unit(self, unit, contacts=()):
        if unit is None:
            return
        self.org_units.setdefault(unit["id"], unit)
        for person in contacts:
            self.add_person(person, unit["id"])

    def add_person(self, person, unit_id):
        if person is None:
            return
        self.people.setdefault(person["id"], person)
        if unit_id is not None:
            self.home_unit.setdefault(person["id"], unit_id)


def escalates(event_type, data, report_escalation_stage):
    if event_type in ALWAYS_ESCALATED:
        return True
    return event_type == "report_overdue" and data.get("stage", 0) >= report_escalation_stage


def named_assignees(event_type, data):
    """The Responsible/Accountable assignees a projects event names."""
    named = []
    if event_type in ("task_assigned", "task_reassigned") and data.get("role") in NAMED_ROLES:
        named.append(data["assignee"])
        if event_type == "task_reassigned":
            named.append(data["previous_assignee"])
    named.extend(data.get("responsible") or [])
    return named


def _add_assignee(audience, directory, assignee):
    kind, ident = assignee["kind"], assignee["id"]
    if kind == "org_unit":
        audience.add_unit(directory.org_unit(ident), directory.people_of_unit(ident))
    elif kind == "structure":
        structure = directory.structure(ident)
        if structure is None:
            return
        unit = directory.org_unit(structure["org_unit_id"])
        audience.add_unit(unit)
        for person in directory.people_of_structure(ident):
            audience.add_person(person, structure["org_unit_id"])
    elif kind == "organisation":
        return  # outside the Assembly: no inbox; the stream and webhooks carry the event
    elif kind == "person":
        person = directory.person(ident, assignee.get("region_code"))
        if person is None:
            return
        unit_id = person.get("org_unit_id")
        if unit_id is None and person.get("structure_id"):
            structure = directory.structure(person["structure_id"])
            unit_id = structure["org_unit_id"] if structure else None
        if unit_id is not None:
            audience.add_unit(directory.org_unit(unit_id))
        audience.add_person(person, unit_id)


def audience_for(event_type, data, regions, directory, report_escalation_stage=2):
    """The :class:`Audience` of one event."""
    audience = Audience()
    for region in sorted(set(regions)):
        kgu, contacts = directory.kgu_of(region)
        audience.add_unit(kgu, contacts)
    for assignee in named_assignees(event_type, data):
        _add_assignee(audience, directory, assignee)
    if data.get("org_unit_id") and event_type.startswith("report_"):
        unit_id = data["org_unit_id"]
        audience.add_unit(directory.org_unit(unit_id), directory.people_of_unit(unit_id))
    if escalates(event_type, data, report_escalation_stage):
        rgu, contacts = directory.rgu()
        audience.add_unit(rgu, contacts)
    return audience
