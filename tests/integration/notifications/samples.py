"""What the tests of the running notifications service send it and configure it with (the
unit tests' samples: tests/support_notifications.py)."""

TURKISTAN = {"id": "coord-61", "role": "kgu_coordinator", "region": "KZ-61"}
# The test receivers listen on loopback, which webhooks may reach only when an operator
# allows it: the tests allow 127.0.0.1 (and nothing else) explicitly.
LOOPBACK_ALLOWED = {"networks": ["127.0.0.1/32"]}
# Fast retries: the webhook window is 1.5 s instead of 24 h.
FAST = {"webhook_retry": {"first_delay": 0.05, "factor": 2, "max_delay": 0.4, "window": 1.5},
        "email_retry": {"first_delay": 0.05, "factor": 2, "max_delay": 0.2, "window": 1.0},
        "dispatch_interval": 0.2, "webhook_timeout": 2.0,
        "webhook_destinations": LOOPBACK_ALLOWED,
        "email_batch_seconds": 0}  # e-mails of one action wait for each other: see test_email


def task_assigned(assignee, region="KZ-61", title="Медиаторлар тренингі", role="R", task_id=1):
    return {"task_id": task_id, "task_title": title, "plan_id": 3, "project_code": "mediation",
            "project_name": {"kk": "Медиация институтын дамыту",
                             "ru": "Развитие института медиации"},
            "region_code": region, "start_date": "2026-03-01", "due_date": "2026-04-15",
            "assignment_id": 10 + task_id, "role": role, "assignee": assignee}
