"""Routes of the events register and the count targets (served by the reports service)."""
from gateway.http import route
from services.reports.contract import register_schemas as schemas
from services.reports.contract.schemas import HistoryEntrySchema

API = "/api/v1"
RGU = ("rgu_admin",)


class EventsRoutes:
    """Mixed into GatewayService, which provides ``reports`` (an RPC proxy) and ``auth``."""

    @route("GET", f"{API}/event-kinds",
           summary="List the event kinds and initiatives (names in kk, ru, en)", tag="events",
           response=schemas.EventKindsSchema)
    def list_event_kinds(self, req):
        return self.reports.list_event_kinds()

    @route("POST", f"{API}/events", summary="Record an event held (its region's KGU or the RGU)",
           tag="events", body=schemas.EventCreateSchema, response=schemas.EventSchema,
           status=201)
    def record_event(self, req):
        return self.reports.record_event(req.body)

    @route("GET", f"{API}/events", summary="List events, a page at a time", tag="events",
           query=schemas.EventQuery, response=schemas.EventPageSchema)
    def list_events(self, req):
        return self.reports.list_events(req.params)

    @route("GET", f"{API}/events/stats",
           summary="Count events, participants and media items by region, structure type, "
                   "kind, project, initiative and period", tag="events",
           query=schemas.EventStatsQuery, response=schemas.EventStatsSchema)
    def event_stats(self, req):
        return self.reports.event_stats(req.params)

    @route("GET", f"{API}/events/<int:event_id>", summary="Get an event", tag="events",
           response=schemas.EventSchema)
    def get_event(self, req, event_id):
        return self.reports.get_event(event_id)

    @route("PATCH", f"{API}/events/<int:event_id>",
           summary="Change an event (send the version you read)", tag="events",
           body=schemas.EventUpdateSchema, response=schemas.EventSchema)
    def update_event(self, req, event_id):
        return self.reports.update_event(event_id, req.body)

    @route("POST", f"{API}/events/<int:event_id>/cancel",
           summary="Cancel an event, with a reason (it stays, counted nowhere)", tag="events",
           body=schemas.EventCancelSchema, response=schemas.EventSchema)
    def cancel_event(self, req, event_id):
        return self.reports.cancel_event(event_id, req.body)

    @route("GET", f"{API}/events/<int:event_id>/history",
           summary="Get the audit trail of an event", tag="events",
           response=HistoryEntrySchema,
           many=True, names=True)
    def event_history(self, req, event_id):
        return self.reports.event_history(event_id)

    # count targets
    @route("GET", f"{API}/targets", summary="List the count targets", tag="events",
           query=schemas.TargetQuery, response=schemas.TargetSchema, many=True)
    def list_targets(self, req):
        return self.reports.list_targets(req.params)

    @route("POST", f"{API}/targets",
           summary="Add a count target (national, a project's or a plan's)", tag="events",
           body=schemas.TargetCreateSchema, response=schemas.TargetSchema, status=201,
           roles=RGU)
    def create_target(self, req):
        return self.reports.create_target(req.body)

    @route("PATCH", f"{API}/targets/<int:target_id>",
           summary="Change a count target (send the version you read)", tag="events",
           body=schemas.TargetPatchSchema, response=schemas.TargetSchema, roles=RGU)
    def update_target(self, req, target_id):
        return self.reports.update_target(target_id, req.body)

    @route("GET", f"{API}/targets/progress",
           summary="Count targets against the events register: actual, target and gap per "
                   "region and period", tag="events", query=schemas.ProgressQuery,
           response=schemas.ProgressSchema)
    def target_progress(self, req):
        return self.reports.target_progress(req.params)
