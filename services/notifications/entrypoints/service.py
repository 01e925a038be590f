"""The notifications service's nameko entrypoints: thin handlers over the service layer.

Every catalogued event of the projects and reports services notifies (inbox, e-mail,
webhooks) and goes to the regional stream; registry events go to the stream and
refresh the cached directory of recipients.
"""
from kombu import Queue

from kelisim.audit import AuditEntries
from kelisim.consumer import consume
from kelisim.db.provider import Database
from kelisim.db.types import utcnow
from kelisim.entrypoints import expected, handing_to, use_case
from kelisim.events.feed import ChangeFeed
from kelisim.events.topology import change_feed
from kelisim.logging import get_logger
from kelisim.service import ServiceBase
from services.notifications import metrics
from services.notifications.adapters.channels import DeliveryFailed, EmailChannel
from services.notifications.adapters.dead_letters import REDELIVER_QUEUE
from services.notifications.adapters.directory import Directory
from services.notifications.adapters.orm import start_mappers
from services.notifications.adapters.repository import NotificationsRepository
from services.notifications.domain.account_mail import compose_link_mail
from services.notifications.domain.audience import audience_for
from services.notifications.domain.naming import names_for
from services.notifications.entrypoints.dispatcher import Dispatcher
from services.notifications.service_layer import deliveries, dispatch, inbox, intake, preferences, webhooks

log = get_logger(__name__)
start_mappers()
# Events of one type taken in together, in one transaction (kelisim/events/handler.py): a
# slip of 10 000 tasks or a rollout arrives as a burst; one event alone goes at once.
BATCH = 250


def _directory_event(event_type):
    """The registry's ``event_type`` handed to ``_directory_changed`` in batches."""
    return handing_to("_directory_changed", "registry", event_type, batch=BATCH)


class NotificationsService(AuditEntries, ServiceBase):
    name = "notifications"
    uow = Database(repositories=NotificationsRepository)
    directory = Directory()
    dispatcher = Dispatcher()

    # events that notify
    on_task_assigned = handing_to("_notify", "projects", "task_assigned", batch=BATCH)
    on_task_reassigned = handing_to("_notify", "projects", "task_reassigned", batch=BATCH)
    on_deadline_slipped = handing_to("_notify", "projects", "deadline_slipped", batch=BATCH)
    on_task_overdue = handing_to("_notify", "projects", "task_overdue", batch=BATCH)
    on_budget_overrun = handing_to("_notify", "projects", "budget_overrun", batch=BATCH)
    on_risk_escalated = handing_to("_notify", "projects", "risk_escalated", batch=BATCH)
    on_plan_status_changed = handing_to("_notify", "projects", "plan_status_changed", batch=BATCH)
    on_report_due_soon = handing_to("_notify", "reports", "report_due_soon", batch=BATCH)
    on_report_overdue = handing_to("_notify", "reports", "report_overdue", batch=BATCH)
    on_report_submitted = handing_to("_notify", "reports", "report_submitted", batch=BATCH)
    on_report_accepted = handing_to("_notify", "reports", "report_accepted", batch=BATCH)
    on_report_returned = handing_to("_notify", "reports", "report_returned", batch=BATCH)
    on_report_reopened = handing_to("_notify", "reports", "report_reopened", batch=BATCH)

    # the events register: the regional stream only
    on_event_recorded = handing_to("_stream_only", "reports", "event_recorded", batch=BATCH)
    on_event_updated = handing_to("_stream_only", "reports", "event_updated", batch=BATCH)
    on_event_cancelled = handing_to("_stream_only", "reports", "event_cancelled", batch=BATCH)

    # registry events: the stream, and a fresh directory (a burst, e.g. an import, in batches)
    on_org_unit_created = _directory_event("org_unit_created")
    on_org_unit_updated = _directory_event("org_unit_updated")
    on_structure_created = _directory_event("structure_created")
    on_structure_updated = _directory_event("structure_updated")
    on_person_created = _directory_event("person_created")
    on_person_updated = _directory_event("person_updated")
    on_organisation_created = _directory_event("organisation_created")
    on_organisation_updated = _directory_event("organisation_updated")

    # ... and every replica's directory: the handlers above share their queues between
    # replicas, so only the one that takes an event would forget what it changed
    directory_feed = ChangeFeed(change_feed("registry", "notifications-directory"), "directory")

    def _notify(self, events):
        """Take in a batch of events (see BATCH) in one transaction, then stream them."""
        settings = self.dispatcher.settings
        items = [(event, audience_for(event.type, event.data, event.regions, self.directory,
                                      settings.report_escalation_stage),
                  names_for(event.data, self.directory)) for event in events]
        return self._receive(items)

    def _directory_changed(self, events):
        """Registry events (a batch): the directory forgets what it had, then the stream.
        The feed above forgets too, but on a queue of its own: here it is done before the
        batch is recorded, so whoever sees the events taken in sees the directory fresh."""
        self.directory.invalidate()
        return self._stream_only(events)

    def _stream_only(self, events):
        """Take in events (a batch) that notify no one: the regional stream only."""
        return self._receive([(event, None, None) for event in events])

    def _receive(self, items):
        summaries = intake.receive_many(self.uow, items, self.dispatcher.settings)
        streams = intake.publish_stream_many(self.dispatcher.stream,
                                             [event for event, _, _ in items])
        now, outbound, answers = utcnow(), set(), []
        for summary, streamed in zip(summaries, streams, strict=False):
            if summary.get("duplicate"):
                metrics.outcome(self.name, "all", "duplicate")
                answers.append(summary)
                continue
            outbound.update(summary)
            metrics.delivered(self.name, "inbox", summary["occurred_at"], now,
                              summary.get("inbox", 0))
            metrics.delivered(self.name, "stream", summary["occurred_at"], now, len(streamed))
            summary["stream"] = len(streamed)
            answers.append({k: v for k, v in summary.items() if k != "occurred_at"})
        # the senders of the channels that got deliveries to send (inbox items are
        # delivered already): a burst of inbox-only events wakes no one
        outbound -= {"inbox", "occurred_at", "stream"}
        if outbound:
            self.dispatcher.wake(sorted(outbound))
        return answers

    # dead deliveries replayed by an operator (kelisim dlq replay --service notifications)
    @consume(Queue(REDELIVER_QUEUE, durable=True))
    def redeliver(self, letter):
        channel = dispatch.replay(self.uow, letter)
        if channel is not None:
            self.dispatcher.wake([channel])

    # the gateway's account e-mails (invitation and reset links), sent at once
    @expected
    def send_account_link(self, data):
        """E-mail ``{"to", "purpose", "link", "name", "expires_at"}`` now; ``{"sent": bool}``
        (False: no SMTP server configured, or it refused; the gateway may issue a new link)."""
        smtp = self.dispatcher.settings.smtp
        if smtp is None:
            return {"sent": False}
        mail = compose_link_mail(data["to"], data["purpose"], data["link"], data["name"],
                                 data["expires_at"])
        try:
            EmailChannel(smtp).send(mail)
        except DeliveryFailed as exc:
            log.warning("account e-mail not sent", purpose=data["purpose"], error=exc.error)
            return {"sent": False}
        return {"sent": True}

    # the inbox
    list_inbox = use_case(inbox.list_inbox, needs=("directory",), query={})
    unread_count = use_case(inbox.unread_count, needs=("directory",), query={})
    mark_read = use_case(inbox.mark_read, "item_id")
    archive_item = use_case(inbox.archive_item, "item_id")
    mark_all_read = use_case(inbox.mark_all_read, needs=("directory",), query={})

    # webhooks and the delivery log
    @expected
    def register_webhook(self, data):
        settings = self.dispatcher.settings
        return webhooks.register_webhook(self.uow, self.directory, data,
                                         settings.webhook_destinations,
                                         limit=settings.webhook_max_per_org_unit)

    list_webhooks = use_case(webhooks.list_webhooks, query={})
    delete_webhook = use_case(webhooks.delete_webhook, "webhook_id")

    @expected
    def enable_webhook(self, webhook_id):
        return webhooks.enable_webhook(self.uow, webhook_id,
                                       self.dispatcher.settings.webhook_destinations)

    list_deliveries = use_case(deliveries.list_deliveries, query={})

    # preferences
    get_preferences = use_case(preferences.get_preferences, needs=("directory",), query={})
    set_preference = use_case(preferences.set_preference, "event_type", "data", needs=("directory",))
    reset_preference = use_case(preferences.reset_preference, "event_type", needs=("directory",), query={})
    get_language = use_case(preferences.get_language, needs=("directory",), query={})
    set_language = use_case(preferences.set_language, "data", needs=("directory",))
