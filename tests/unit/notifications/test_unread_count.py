"""The badge's count (the header of every page): one COUNT of the caller's unread,
unarchived inbox items, the same figure list_inbox gives, with the same access rules."""
import pytest

from kelisim.errors import NotFound
from services.notifications.service_layer import inbox
from tests.support import ADMIN
from tests.support_notifications import ALMATY, TURKISTAN
from tests.unit.notifications.test_inbox_webhooks_preferences import notify


def test_the_unread_count_is_list_inbox_s_without_its_page(uow, directory, settings):
    for event_type in ("report_due_soon", "report_returned", "task_assigned"):
        notify(uow, directory, settings, event_type)
    assert inbox.unread_count(uow(TURKISTAN), directory, {}) == {"org_unit_id": 16,
                                                                  "unread": 3}
    items = inbox.list_inbox(uow(TURKISTAN), directory, {})["items"]
    inbox.mark_read(uow(TURKISTAN), items[0]["id"])
    inbox.archive_item(uow(TURKISTAN), items[1]["id"])  # unread, but archived
    counted = inbox.unread_count(uow(TURKISTAN), directory, {})["unread"]
    assert counted == inbox.list_inbox(uow(TURKISTAN), directory, {})["unread"] == 1
    assert inbox.unread_count(uow(ALMATY), directory, {})["unread"] == 0


def test_the_rgu_counts_its_own_inbox_or_one_it_names(uow, directory, settings):
    notify(uow, directory, settings, "risk_escalated")  # the RGU and the KGU of KZ-61
    assert inbox.unread_count(uow(ADMIN), directory, {}) == {"org_unit_id": 1, "unread": 1}
    assert inbox.unread_count(uow(ADMIN), directory, {"org_unit_id": "16"})["unread"] == 1
    with pytest.raises(NotFound):  # another region's: not even said to exist
        inbox.unread_count(uow(ALMATY), directory, {"org_unit_id": "16"})
