"""What the notifications unit tests (and some of the running service's) send and expect:
:class:`Directory`, an in-memory implementation of the directory port (the registry's
answers for a small country: the RGU, two KGUs, a branch), catalogue-valid envelopes, a
sample of each event's data, a stand-in for public DNS."""
import uuid
from datetime import UTC, datetime

from kelisim.events.envelope import Envelope, new_envelope

TURKISTAN = {"id": "coord-61", "role": "kgu_coordinator", "region": "KZ-61"}
ALMATY = {"id": "coord-75", "role": "kgu_coordinator", "region": "KZ-75"}
NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 11:30 in Astana
RGU = {"id": 1, "code": "RGU", "kind": "rgu", "region_code": None, "name_ru": "РГУ"}
KGU_61 = {"id": 16, "code": "KGU-KZ-61", "kind": "kgu", "region_code": "KZ-61", "name_ru": "КГУ 61"}
KGU_75 = {"id": 19, "code": "KGU-KZ-75", "kind": "kgu", "region_code": "KZ-75", "name_ru": "КГУ 75"}
BRANCH_61 = {"id": 100, "code": "BR-61", "kind": "kgu_branch", "region_code": "KZ-61",
             "name_ru": "Филиал"}
PEOPLE = [
    {"id": 1, "full_name": "Әлия", "email": "aliya@kgu61.kz", "org_unit_id": 16,
     "structure_id": None, "region_code": "KZ-61"},
    {"id": 2, "full_name": "Дина", "email": "dina@kgu75.kz", "org_unit_id": 19,
     "structure_id": None, "region_code": "KZ-75"},
    {"id": 3, "full_name": "Ерлан", "email": "erlan@rgu.kz", "org_unit_id": 1,
     "structure_id": None, "region_code": None},
    {"id": 4, "full_name": "Олена", "email": "olena@eco.kz", "org_unit_id": None,
     "structure_id": 50, "region_code": "KZ-61"},
    {"id": 5, "full_name": "Без почты", "email": None, "org_unit_id": 100,
     "structure_id": None, "region_code": "KZ-61"},
]
STRUCTURES = {50: {"id": 50, "org_unit_id": 100, "region_code": "KZ-61"}}


class Directory:
    """The directory port, answered from the dicts above."""

    units = {u["id"]: u for u in (RGU, KGU_61, KGU_75, BRANCH_61)}

    def __init__(self):
        self.lookups = 0

    def kgu_of(self, region):
        self.lookups += 1
        unit = next((u for u in self.units.values()
                     if u["kind"] == "kgu" and u["region_code"] == region), None)
        return unit, self.people_of_unit(unit["id"]) if unit else []

    def rgu(self):
        return RGU, self.people_of_unit(RGU["id"])

    def org_unit(self, unit_id):
        return self.units.get(unit_id)

    def people_of_unit(self, unit_id):
        return [p for p in PEOPLE if p["org_unit_id"] == unit_id]

    def structure(self, structure_id):
        return STRUCTURES.get(structure_id)

    def people_of_structure(self, structure_id):
        return [p for p in PEOPLE if p["structure_id"] == structure_id]

    def person(self, person_id, region=None):
        return next((p for p in PEOPLE if p["id"] == person_id
                     and (region is None or p["region_code"] == region)), None)


PUBLIC_ADDRESS = "93.184.215.14"  # a public internet address (no DNS is reachable offline)


def public_dns(host, port):
    """A stand-in for public DNS, which these machines cannot reach: every name under
    ``example.kz`` resolves to :data:`PUBLIC_ADDRESS`, no other name resolves."""
    return [PUBLIC_ADDRESS] if host == "example.kz" or host.endswith(".example.kz") else []


def envelope(event_type, data, regions=(), source="projects"):
    """A catalogue-valid envelope, as the consumer receives it."""
    built = new_envelope(event_type, data, source=source, correlation_id=str(uuid.uuid4()),
                         regions=regions)
    return Envelope(**dict(built.to_message(), occurred_at=NOW.isoformat()))


# names as the producers send them, in Kazakh and Russian (and the project's in English)
MEDIATION = {"kk": "Медиация институтын дамыту", "ru": "Развитие института медиации",
             "en": "Developing the institution of mediation"}
CIVIC = {"kk": "Жалпыазаматтық бірегейлікті қалыптастыру",
         "ru": "Формирование общегражданской идентичности", "en": "Building a civic identity"}
TASK_KK, TASK_RU = "Медиация институтын танымал ету", "Популяризация института медиации"


def task_assigned(assignee, role="R", region="KZ-61", title=TASK_RU, title_kk=TASK_KK):
    return {"task_id": 7, "task_title": title, "task_title_kk": title_kk, "plan_id": 3,
            "project_code": "mediation", "project_name": MEDIATION, "region_code": region,
            "start_date": "2026-03-01", "due_date": "2026-04-15", "assignment_id": 11,
            "role": role, "assignee": assignee}


def report(**extra):
    return dict({"report_id": 5, "template_code": "quarterly", "template_title": "Тоқсандық есеп",
                 "template_title_ru": "Квартальный отчёт", "period": "2026-Q1",
                 "org_unit_id": 16, "region_code": "KZ-61", "due_date": "2026-04-10"}, **extra)


SAMPLES = {
    "task_assigned": task_assigned({"kind": "org_unit", "id": 16, "name": "КГУ 61"}),
    "task_reassigned": dict(task_assigned({"kind": "org_unit", "id": 16, "name": "КГУ 61"}),
                            previous_assignee={"kind": "org_unit", "id": 100, "name": "Филиал"}),
    "deadline_slipped": {"task_id": 7, "task_title": TASK_RU, "task_title_kk": TASK_KK,
                         "project_code": "mediation", "project_name": MEDIATION,
                         "due_date": "2026-05-01", "old_due_date": "2026-04-15",
                         "cause_task_id": 6, "chain": [6, 7], "reason": "кешігу",
                         "responsible": [{"kind": "org_unit", "id": 16}]},
    "task_overdue": {"task_id": 7, "task_title": TASK_RU, "task_title_kk": TASK_KK,
                     "project_code": "mediation", "project_name": MEDIATION,
                     "due_date": "2026-04-15", "days_overdue": 3, "stage": "first",
                     "responsible": [{"kind": "person", "id": 1, "region_code": "KZ-61"}]},
    "budget_overrun": {"plan_id": 3, "project_code": "civic-identity", "project_name": CIVIC,
                       "region_code": "KZ-61", "budget_line_id": 9, "category": "events",
                       "planned": "1000000.00", "committed": "900000.00",
                       "actual": "1250000.50"},
    "risk_escalated": {"risk_id": 4, "project_code": "mediation", "project_name": MEDIATION,
                       "region_code": "KZ-61", "title": "Медиаторлар жетіспейді", "score": 20,
                       "threshold": 15},
    "plan_status_changed": {"plan_id": 3, "project_code": "mediation",
                            "project_name": MEDIATION, "region_code": "KZ-61", "year": 2026,
                            "old_status": "draft", "new_status": "approved"},
    "report_due_soon": report(days_left=5),
    "report_overdue": report(days_overdue=4, stage=1),
    "report_submitted": report(submitted_at="2026-04-09T10:00:00+05:00", on_time=True),
    "report_accepted": report(accepted_at="2026-04-11T10:00:00+05:00"),
    "report_returned": report(comment="Кестені толтырыңыз"),
    "report_reopened": report(reason="Қате сан"),
}
