"""Routes of the events register and the count targets (served by the reports service)."""
from gateway.http import forward
from services.reports.contract import register_schemas as schemas
from services.reports.contract.schemas import HistoryEntrySchema

API = "/api/v1"
RGU = ("rgu_admin",)


class EventsRoutes:
    """Mixed into GatewayService, which provides ``reports`` (an RPC proxy) and ``auth``."""

    list_event_kinds = forward("GET", f"{API}/event-kinds", "reports.list_event_kinds",
                               summary="List the event kinds and initiatives (names in kk, ru, "
                                       "en)", tag="events", response=schemas.EventKindsSchema)

    record_event = forward("POST", f"{API}/events", "reports.record_event",
                           summary="Record an event held (its region's KGU or the RGU)",
                           tag="events", body=schemas.EventCreateSchema,
                           response=schemas.EventSchema, status=201)

    list_events = forward("GET", f"{API}/events", "reports.list_events",
                          summary="List events, a page at a time", tag="events",
                          query=schemas.EventQuery, response=schemas.EventPageSchema)

    event_stats = forward("GET", f"{API}/events/stats", "reports.event_stats",
                          summary="Count events, participants and media items by region, "
                                  "structure type, kind, project, initiative and period",
                          tag="events", query=schemas.EventStatsQuery,
                          response=schemas.EventStatsSchema)

    get_event = forward("GET", f"{API}/events/<int:event_id>", "reports.get_event",
                        summary="Get an event", tag="events", response=schemas.EventSchema)

    update_event = forward("PATCH", f"{API}/events/<int:event_id>", "reports.update_event",
                           summary="Change an event (send the version you read)", tag="events",
                           body=schemas.EventUpdateSchema, response=schemas.EventSchema)

    cancel_event = forward("POST", f"{API}/events/<int:event_id>/cancel", "reports.cancel_event",
                           summary="Cancel an event, with a reason (it stays, counted nowhere)",
                           tag="events", body=schemas.EventCancelSchema,
                           response=schemas.EventSchema)

    event_history = forward("GET", f"{API}/events/<int:event_id>/history", "reports.event_history",
                            summary="Get the audit trail of an event", tag="events",
                            response=HistoryEntrySchema, many=True, names=True)

    # count targets
    list_targets = forward("GET", f"{API}/targets", "reports.list_targets",
                           summary="List the count targets", tag="events",
                           query=schemas.TargetQuery, response=schemas.TargetSchema, many=True)

    create_target = forward("POST", f"{API}/targets", "reports.create_target",
                            summary="Add a count target (national, a project's or a plan's)",
                            tag="events", body=schemas.TargetCreateSchema,
                            response=schemas.TargetSchema, status=201, roles=RGU)

    update_target = forward("PATCH", f"{API}/targets/<int:target_id>", "reports.update_target",
                            summary="Change a count target (send the version you read)",
                            tag="events", body=schemas.TargetPatchSchema,
                            response=schemas.TargetSchema, roles=RGU)

    target_progress = forward("GET", f"{API}/targets/progress", "reports.target_progress",
                              summary="Count targets against the events register: actual, target "
                                      "and gap per region and period", tag="events",
                              query=schemas.ProgressQuery, response=schemas.ProgressSchema)
