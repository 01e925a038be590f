"""Routes of the notifications service (served by it over RPC): the inbox, webhooks, the
delivery log and preferences."""
from werkzeug.wrappers import Response

from gateway.http import forward, route
from services.notifications.contract import schemas

API = "/api/v1"


class NotificationsRoutes:
    """Mixed into GatewayService, which provides ``notifications`` (an RPC proxy) and ``auth``."""

    # the inbox
    list_inbox = forward("GET", f"{API}/inbox", "notifications.list_inbox",
                         summary="List the caller's inbox, newest first, a page at a time",
                         tag="inbox", query=schemas.InboxQuery, response=schemas.InboxPageSchema)

    mark_read = forward("POST", f"{API}/inbox/<int:item_id>/read", "notifications.mark_read",
                        summary="Mark an inbox item read", tag="inbox",
                        response=schemas.InboxItemSchema)

    archive_item = forward("POST", f"{API}/inbox/<int:item_id>/archive",
                           "notifications.archive_item",
                           summary="Archive an inbox item (it leaves the default listing)",
                           tag="inbox", response=schemas.InboxItemSchema)

    mark_all_read = forward("POST", f"{API}/inbox/read-all", "notifications.mark_all_read",
                            summary="Mark every unread item of the inbox read", tag="inbox",
                            query=schemas.InboxTarget, response=schemas.MarkedSchema)

    # webhooks
    list_webhooks = forward("GET", f"{API}/webhooks", "notifications.list_webhooks",
                            summary="List webhooks", tag="webhooks", query=schemas.WebhookQuery,
                            response=schemas.WebhookSchema, many=True)

    register_webhook = forward("POST", f"{API}/webhooks", "notifications.register_webhook",
                               summary="Register a webhook for chosen event types (the secret is "
                                       "shown once)", tag="webhooks",
                               body=schemas.WebhookCreateSchema,
                               response=schemas.WebhookCreatedSchema, status=201)

    @route("DELETE", f"{API}/webhooks/<int:webhook_id>", summary="Remove a webhook",
           tag="webhooks", status=204)
    def delete_webhook(self, req, webhook_id):
        self.notifications.delete_webhook(webhook_id)
        return Response(status=204)

    enable_webhook = forward("POST", f"{API}/webhooks/<int:webhook_id>/enable",
                             "notifications.enable_webhook",
                             summary="Turn a disabled webhook back on", tag="webhooks",
                             response=schemas.WebhookSchema)

    list_deliveries = forward("GET", f"{API}/deliveries", "notifications.list_deliveries",
                              summary="The delivery log: each delivery with every attempt",
                              tag="webhooks", query=schemas.DeliveryQuery,
                              response=schemas.DeliveryPageSchema)

    # preferences
    get_preferences = forward("GET", f"{API}/preferences", "notifications.get_preferences",
                              summary="Channels and frequency per event type of an org unit or a "
                                      "person", tag="preferences", query=schemas.PreferenceQuery,
                              response=schemas.PreferencesSchema)

    get_language = forward("GET", f"{API}/preferences/language", "notifications.get_language",
                           summary="The language an org unit or a person reads e-mails in (kk by "
                                   "default)", tag="preferences", query=schemas.PreferenceQuery,
                           response=schemas.LanguageSchema)

    set_language = forward("PUT", f"{API}/preferences/language", "notifications.set_language",
                           summary="Choose the language of an org unit's or a person's e-mails: "
                                   "kk, ru or en", tag="preferences",
                           body=schemas.LanguageSetSchema, response=schemas.LanguageSchema)

    set_preference = forward("PUT", f"{API}/preferences/<event_type>",
                             "notifications.set_preference",
                             summary="Choose channels and frequency for an event type (critical "
                                     "ones cannot be muted: 422)", tag="preferences",
                             body=schemas.PreferenceSetSchema, response=schemas.PreferenceSchema)

    reset_preference = forward("DELETE", f"{API}/preferences/<event_type>",
                               "notifications.reset_preference",
                               summary="Forget a preference (the org unit's or the default "
                                       "applies again)", tag="preferences",
                               query=schemas.PreferenceQuery, response=schemas.PreferenceSchema)

