"""A template item marked deliverable makes deliverable tasks at rollout; such a task is done
only once the gateway has told projects of an attachment (service_layer/attachments.py)."""
import pytest

from kelisim.errors import Forbidden, Invalid, NotFound
from services.projects.service_layer import attachments, projects, rollout, tasks
from tests.support import COORDINATOR, OBSERVER


def test_a_deliverable_template_item_rolls_out_as_a_deliverable_task(uow, registry):
    template = projects.get_template(uow(), "mediation")
    items = [dict(item, deliverable=item["key"] == "mon.survey") for item in template["items"]]
    saved = projects.put_template(uow(), registry, "mediation",
                                  {"version": template["version"], "items": items})
    assert [i["key"] for i in saved["items"] if i.get("deliverable")] == ["mon.survey"]
    rollout.rollout(uow(), registry, "mediation", {"year": 2026, "regions": ["KZ-61"]})
    page = tasks.list_tasks(uow(), {"region": "KZ-61", "limit": 200})["items"]
    marked = {t["template_key"] for t in page if t["deliverable"]}
    assert marked == {"mon.survey"}


def test_the_owner_is_told_of_attachments_with_write_rights_and_idempotently(rolled_out, uow):
    task = tasks.list_tasks(uow(), {"region": "KZ-75", "limit": 1})["items"][0]
    meta = {"id": 41, "filename": "хаттама.pdf", "media_type": "application/pdf", "size": 9,
            "sha256": "ab" * 32, "uploaded_at": "2026-11-30T00:00:00+00:00"}
    with pytest.raises(NotFound):  # Turkistan's coordinator cannot read Almaty's task
        attachments.attachment_added(uow(COORDINATOR), "task", task["id"], meta)
    with pytest.raises(Forbidden):  # an observer reads it and changes nothing
        attachments.attachment_added(uow(OBSERVER), "task", task["id"], meta)
    assert attachments.attachment_added(uow(), "task", task["id"], meta)["attachments"] == 1
    assert attachments.attachment_added(uow(), "task", task["id"], meta)["attachments"] == 1
    assert attachments.attachment_removed(uow(), "task", task["id"], meta)["attachments"] == 0
    assert attachments.attachment_removed(uow(), "task", task["id"], meta)["attachments"] == 0
    with pytest.raises(Invalid):
        attachments.attachment_added(uow(), "report", task["id"], meta)
    history = tasks.task_history(uow(), task["id"])["items"]
    assert [h["action"] for h in history[:2]] == ["detach", "attach"]  # once each
