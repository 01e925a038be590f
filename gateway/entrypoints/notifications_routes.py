"""Routes of the notifications service (served by it over RPC): the inbox, webhooks, the
delivery log and preferences."""
from werkzeug.wrappers import Response

from gateway.http import route
from services.notifications.contract import schemas

API = "/api/v1"


class NotificationsRoutes:
    """Mixed into GatewayService, which provides ``notifications`` (an RPC proxy) and ``auth``."""

    # the inbox
    @route("GET", f"{API}/inbox", summary="List the caller's inbox, newest first, a page at a time",
           tag="inbox", query=schemas.InboxQuery, response=schemas.InboxPageSchema)
    def list_inbox(self, req):
        return self.notifications.list_inbox(req.params)

    @route("POST", f"{API}/inbox/<int:item_id>/read", summary="Mark an inbox item read",
           tag="inbox", response=schemas.InboxItemSchema)
    def mark_read(self, req, item_id):
        return self.notifications.mark_read(item_id)

    @route("POST", f"{API}/inbox/<int:item_id>/archive",
           summary="Archive an inbox item (it leaves the default listing)", tag="inbox",
           response=schemas.InboxItemSchema)
    def archive_item(self, req, item_id):
        return self.notifications.archive_item(item_id)

    @route("POST", f"{API}/inbox/read-all", summary="Mark every unread item of the inbox read",
           tag="inbox", query=schemas.InboxTarget, response=schemas.MarkedSchema)
    def mark_all_read(self, req):
        return self.notifications.mark_all_read(req.params)

    # webhooks
    @route("GET", f"{API}/webhooks", summary="List webhooks", tag="webhooks",
           query=schemas.WebhookQuery, response=schemas.WebhookSchema, many=True)
    def list_webhooks(self, req):
        return self.notifications.list_webhooks(req.params)

    @route("POST", f"{API}/webhooks",
           summary="Register a webhook for chosen event types (the secret is shown once)",
           tag="webhooks", body=schemas.WebhookCreateSchema,
           response=schemas.WebhookCreatedSchema, status=201)
    def register_webhook(self, req):
        return self.notifications.register_webhook(req.body)

    @route("DELETE", f"{API}/webhooks/<int:webhook_id>", summary="Remove a webhook",
           tag="webhooks", status=204)
    def delete_webhook(self, req, webhook_id):
        self.notifications.delete_webhook(webhook_id)
        return Response(status=204)

    @route("POST", f"{API}/webhooks/<int:webhook_id>/enable",
           summary="Turn a disabled webhook back on", tag="webhooks",
           response=schemas.WebhookSchema)
    def enable_webhook(self, req, webhook_id):
        return self.notifications.enable_webhook(webhook_id)

    @route("GET", f"{API}/deliveries",
           summary="The delivery log: each delivery with every attempt", tag="webhooks",
           query=schemas.DeliveryQuery, response=schemas.DeliveryPageSchema)
    def list_deliveries(self, req):
        return self.notifications.list_deliveries(req.params)

    # preferences
    @route("GET", f"{API}/preferences",
           summary="Channels and frequency per event type of an org unit or a person",
           tag="preferences", query=schemas.PreferenceQuery, response=schemas.PreferencesSchema)
    def get_preferences(self, req):
        return self.notifications.get_preferences(req.params)

    @route("GET", f"{API}/preferences/language",
           summary="The language an org unit or a person reads e-mails in (kk by default)",
           tag="preferences", query=schemas.PreferenceQuery, response=schemas.LanguageSchema)
    def get_language(self, req):
        return self.notifications.get_language(req.params)

    @route("PUT", f"{API}/preferences/language",
           summary="Choose the language of an org unit's or a person's e-mails: kk, ru or en",
           tag="preferences", body=schemas.LanguageSetSchema, response=schemas.LanguageSchema)
    def set_language(self, req):
        return self.notifications.set_language(req.body)

    @route("PUT", f"{API}/preferences/<event_type>",
           summary="Choose channels and frequency for an event type (critical ones cannot be muted: 422)",
           tag="preferences", body=schemas.PreferenceSetSchema, response=schemas.PreferenceSchema)
    def set_preference(self, req, event_type):
        return self.notifications.set_preference(event_type, req.body)

    @route("DELETE", f"{API}/preferences/<event_type>",
           summary="Forget a preference (the org unit's or the default applies again)",
           tag="preferences", query=schemas.PreferenceQuery, response=schemas.PreferenceSchema)
    def reset_preference(self, req, event_type):
        return self.notifications.reset_preference(event_type, req.params)

