"""The gateway's nameko service: operations routes, plus each service's routes mixed in.

Routes are thin: they authenticate, validate and call RPC (see gateway/http/).
"""
import functools

from nameko.dependency_providers import Config
from werkzeug.wrappers import Response

from gateway import schemas as gateway_schemas
from gateway.adapters.accounts import AccountRepository
from gateway.adapters.storage import AttachmentStore
from gateway.entrypoints.accounts_routes import AccountsRoutes
from gateway.entrypoints.attachments_routes import AttachmentsRoutes
from gateway.entrypoints.events_routes import EventsRoutes
from gateway.entrypoints.notifications_routes import NotificationsRoutes
from gateway.entrypoints.projects_routes import ProjectsRoutes
from gateway.entrypoints.registry_routes import RegistryRoutes
from gateway.entrypoints.reports_routes import ReportsRoutes
from gateway.entrypoints.sso_routes import Oidc, SsoRoutes
from gateway.entrypoints.web_attachments import WebAttachmentsPages
from gateway.entrypoints.web_core import WebCorePages
from gateway.entrypoints.web_events import WebEventsPages
from gateway.entrypoints.web_inbox import WebInboxPages
from gateway.entrypoints.web_plans import WebPlansPages
from gateway.entrypoints.web_programme import WebProgrammePages
from gateway.entrypoints.web_region import WebRegionPages
from gateway.entrypoints.web_registry import WebRegistryPages
from gateway.entrypoints.web_reports import WebReportsPages
from gateway.errors import ServiceUnavailable
from gateway.http import BearerAuth, TimedRpcProxy, build_openapi, route, routes_of
from gateway.http.cache import ReadCacheProvider
from gateway.http.problems import problem_for
from gateway.http.responses import problem_response
from gateway.http.server import correlation_id_of, language_of
from gateway.service_layer import health as health_checks
from kelisim import metrics
from kelisim.config import SERVICES
from kelisim.consumer import consume
from kelisim.db.provider import Database
from kelisim.events.topology import change_feed
from kelisim.i18n import _
from kelisim.service import ServiceBase

HEALTH_TIMEOUT = 2.0


@functools.cache
def openapi_document(service_cls):
    return build_openapi(routes_of(service_cls))


class GatewayService(RegistryRoutes, ProjectsRoutes, ReportsRoutes, EventsRoutes,
                     NotificationsRoutes, AccountsRoutes, SsoRoutes, AttachmentsRoutes,
                     WebCorePages, WebProgrammePages, WebRegionPages,
                     WebInboxPages, WebRegistryPages, WebEventsPages,
                     WebPlansPages, WebReportsPages, WebAttachmentsPages,
                     ServiceBase):
    name = "gateway"
    uow = Database(repositories=AccountRepository, relay=False)
    auth = BearerAuth(database="uow")
    oidc = Oidc()
    registry = TimedRpcProxy("registry")
    projects = TimedRpcProxy("projects")
    reports = TimedRpcProxy("reports")
    notifications = TimedRpcProxy("notifications")
    config = Config()
    read_cache = ReadCacheProvider()
    store = AttachmentStore()

    # every projects event may change what the cached task and plan reads answered; a
    # worker per event, not a ChangeFeed: handled in the consumer's greenthread here, the
    # assignments' POST -> inbox p99 at 50/s doubled (bench/README.md). After a dropped
    # connection, events missed meanwhile are forgotten within READ_CACHE_SECONDS (5).
    @consume(change_feed("projects", "gateway-cache"))
    def drop_cached_reads(self, event):
        self.read_cache.invalidate()

    # operations
    @route("GET", "/health", summary="Check the broker, the gateway database and every service",
           tag="operations", auth=False, response=gateway_schemas.HealthSchema, problems=(503,))
    def get_health(self, req):
        healthy, reports = self._check()
        if healthy:
            return {"status": "ok", "checks": reports}
        return self._unavailable(req, reports)

    @route("GET", "/live", summary="Liveness: 200 while the gateway's event loop answers "
           "(as each service's exporter)", tag="operations", auth=False, produces="text/plain")
    def get_live(self, req):
        return Response("live\n", content_type="text/plain; charset=utf-8")

    @route("GET", "/ready", summary="Readiness: 200 when the broker is reachable and the "
           "gateway's database and every service it calls answer, else a 503 problem "
           "naming what fails", tag="operations", auth=False, produces="text/plain",
           problems=(503,))
    def get_ready(self, req):
        healthy, reports = self._check()
        if healthy:
            return Response("ready\n", content_type="text/plain; charset=utf-8")
        return self._unavailable(req, reports)

    def _check(self):
        """``(healthy, {name: report})`` of the broker, the database and every service."""
        timeout = float(self.config.get("HEALTH_TIMEOUT", HEALTH_TIMEOUT))
        checks = {"broker": health_checks.broker_check(self.config["AMQP_URI"], timeout),
                  "database": health_checks.database_check(self.uow)}
        for service in SERVICES:
            checks[service] = getattr(self, service).ping
        return health_checks.check_all(checks, timeout)

    def _unavailable(self, req, reports):
        """The 503 problem naming what fails, in the reader's language (the names of the
        checks and their ``error`` members are the operators' and read the same in all)."""
        failing = sorted(name for name, report in reports.items() if not report["ok"])
        unhealthy = problem_for(ServiceUnavailable(_("failing: {checks}",
                                                     checks=", ".join(failing)),
                                                   extra={"failing": failing, "checks": reports}),
                                language_of(req.http))
        return problem_response(unhealthy, req.http.path, correlation_id_of(req.http))

    @route("GET", "/metrics", summary="Prometheus metrics of the gateway", tag="operations",
           auth=False, produces="text/plain")
    def get_metrics(self, req):
        body, content_type = metrics.exposition()
        return Response(body, content_type=content_type)

    @route("GET", "/openapi.json", summary="This API, as an OpenAPI 3 document",
           tag="operations", auth=False)
    def get_openapi(self, req):
        return openapi_document(type(self))
