"""One valid payload of every catalogued event, as its producer sends it today (ISO text
for dates and times): the contract tests publish them, the payload tests type them."""

NAME = {"kk": "Медиация институтын дамыту", "ru": "Развитие института медиации"}
TASK = {"task_id": 7, "task_title": "Тренинг", "task_title_kk": "Тренинг", "plan_id": 3,
        "project_code": "mediation", "project_name": NAME, "region_code": "KZ-61",
        "start_date": "2026-03-01", "due_date": "2026-04-15"}
UNIT = {"kind": "org_unit", "id": 2, "name": "КГУ", "region_code": "KZ-61"}
REPORT = {"report_id": 5, "template_code": "quarterly", "template_title": "Тоқсандық есеп",
          "period": "2026-Q1", "org_unit_id": 2, "region_code": "KZ-61",
          "due_date": "2026-04-10"}
ORG_UNIT = {"id": 900, "code": "BR-KZ-61-900", "name_kk": "Филиал", "name_ru": "Филиал",
            "kind": "branch", "level": "district", "region_code": "KZ-61", "parent_id": 2,
            "opened_on": "2026-01-05", "closed_on": None, "version": 1}
STRUCTURE = {"id": 901, "type": "council_of_mothers", "name": "Аналар кеңесі",
             "org_unit_id": 2, "region_code": "KZ-61", "level": "city", "member_count": 12,
             "accreditation": None, "version": 1}
PERSON = {"id": 902, "full_name": "Айгүл Сапарова", "position": None, "email": None,
          "phone": None, "org_unit_id": 2, "structure_id": None, "region_code": "KZ-61",
          "version": 1}
ORGANISATION = {"id": 903, "code": "AKIMAT-KZ-61", "name_kk": "Түркістан облысының әкімдігі",
                "name_ru": "Акимат Туркестанской области", "name_en": None, "short_kk": None,
                "short_ru": None, "kind": "akimat", "region_code": "KZ-61",
                "contact_person": None, "email": None, "phone": None, "website": None,
                "address": None, "closed_on": None, "version": 1}

# One valid payload per catalogued event, as its producer sends it today.
SAMPLES = {
    "task_assigned": dict(TASK, assignment_id=11, role="R", assignee=UNIT),
    "task_reassigned": dict(TASK, assignment_id=11, role="R", assignee=UNIT,
                            previous_assignee=dict(UNIT, id=3)),
    "deadline_slipped": dict(TASK, old_due_date="2026-04-01", cause_task_id=6, chain=[6, 7],
                             reason="кешігу", responsible=[UNIT]),
    "task_overdue": dict(TASK, days_overdue=3, stage="first", responsible=[UNIT]),
    "budget_overrun": {"plan_id": 3, "project_code": "mediation", "project_name": NAME,
                       "region_code": "KZ-61", "budget_line_id": 9, "category": "events",
                       "planned": "1000000.00", "committed": "900000.00",
                       "actual": "1250000.50"},
    "risk_escalated": {"risk_id": 4, "project_code": "mediation", "project_name": NAME,
                       "region_code": "KZ-61", "title": "Медиаторлар жетіспейді",
                       "score": 20, "threshold": 15},
    "plan_status_changed": {"plan_id": 3, "project_code": "mediation", "project_name": NAME,
                            "region_code": "KZ-61", "year": 2026, "old_status": "draft",
                            "new_status": "approved"},
    "report_due_soon": dict(REPORT, days_left=5),
    "report_overdue": dict(REPORT, days_overdue=4, stage=1),
    "report_submitted": dict(REPORT, submitted_at="2026-04-09T10:00:00+05:00", on_time=True),
    "report_accepted": dict(REPORT, accepted_at="2026-04-11T10:00:00+05:00"),
    "report_returned": dict(REPORT, comment="Кестені толтырыңыз"),
    "report_reopened": dict(REPORT, reason="Қате сан"),
    "org_unit_created": ORG_UNIT,
    "org_unit_updated": {"changed": ["name_ru"], "current": dict(ORG_UNIT, version=2)},
    "structure_created": STRUCTURE,
    "structure_updated": {"changed": ["member_count"], "current": dict(STRUCTURE, version=2)},
    "person_created": PERSON,
    "person_updated": {"changed": ["position"], "current": dict(PERSON, version=2)},
    "organisation_created": ORGANISATION,
    "organisation_updated": {"changed": ["email"],
                             "current": dict(ORGANISATION, email="akimat@example.kz",
                                             version=2)},
}
REGISTERED = {"event_id": 40, "region_code": "KZ-61", "org_unit_id": 2, "org_unit_kind": "kgu",
              "kind": "mediation_training", "title_kk": "Медиация тренингі",
              "title_ru": "Тренинг по медиации", "starts_at": "2026-03-10T10:00:00+05:00",
              "local_date": "2026-03-10", "participants": 25, "structure_ids": [901],
              "structure_types": ["council_of_mothers"], "project_code": "mediation",
              "plan_id": 3, "task_id": 7, "initiative": None, "status": "recorded"}
SAMPLES.update({
    "event_recorded": REGISTERED,
    "event_updated": dict(REGISTERED, changed=["participants"]),
    "event_cancelled": dict(REGISTERED, status="cancelled", reason="карантин"),
})
