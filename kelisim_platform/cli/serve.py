"""``kelisim serve COMPONENT``: one nameko service in this process, until SIGTERM or Ctrl-C.

A SIGTERM (what ``kelisim run`` and Kubernetes send) stops the consumers first, lets every
worker in flight finish and acknowledge its message, then stops the rest; messages not yet
started stay on the broker for the other replicas. The exporter's ``/ready`` turns 503
at that moment (see kelisim/exporter.py).
"""
import eventlet

import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)

eventlet.monkey_patch()  # before anything imports socket-using modules

import errno  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from kelisim import collection, config, i18n, ports  # noqa: E402
from kelisim.exporter import Exporter  # noqa: E402
from kelisim.logging import configure, get_logger  # noqa: E402
from kelisim_platform.cli.broker import uri_problem  # noqa: E402
from kelisim_platform.cli.components import service_class, settings_problem  # noqa: E402


def serve(component: str) -> int:
    """Run ``component`` until stopped; 0, or 2 at once when one of its ports is in use or
    cannot be bound, or a setting is refused (one line on stderr naming the port or setting
    and its variable), before any connection is made."""
    try:  # here too, not only in main(): `kelisim run` starts `-m ...cli.serve` itself
        config.check()
    except config.SettingRefused as exc:
        print(f"kelisim: {exc}", file=sys.stderr, flush=True)
        return 2
    configure(component)
    log = get_logger(__name__)
    problem = uri_problem(config.amqp_uri())
    if problem:
        print(f"kelisim: {problem}", file=sys.stderr, flush=True)
        return 2
    problem = settings_problem(component, config.nameko_config(component))
    if problem:
        print(f"kelisim: {component}: {problem}", file=sys.stderr, flush=True)
        return 2
    exporter = Exporter()
    try:
        if component != "gateway":  # the gateway serves /metrics on its own HTTP port
            host = config.metrics_host()
            port = config.metrics_port(component)
            exporter.start(host, port, config.metrics_port_variable(component))
            log.info("metrics exporter listening", address=f"http://{host}:{port}/metrics")
        settings = config.nameko_config(component)
        if component == "gateway":  # refused here, before any connection is made
            ports.ensure_free(*ports.gateway_address(settings["WEB_SERVER_ADDRESS"]),
                              ports.GATEWAY_VARIABLE)
        cls = service_class(component)
        i18n.preload()
        log.info("starting", component=component, database=_safe(settings["DATABASE_URL"]))
        run(cls, settings, exporter)
    except ports.CannotListen as exc:
        print(f"kelisim: {component}: {exc}", file=sys.stderr, flush=True)
        return 2
    log.info("stopped", component=component)
    return 0


def run(cls: type, settings: dict[str, Any], exporter: Exporter) -> None:
    """nameko's ``run`` for one service, telling ``exporter`` when it is ready and stopping.

    A second SIGTERM or Ctrl-C while stopping (a signal to the whole process group, then
    one from ``kelisim run``) does not stop it twice; a Ctrl-C after that kills it. A stop
    still waiting after ``config.stop_grace_seconds()`` logs the workers in flight and
    kills the service: their messages were not acknowledged, so the broker redelivers them
    (to another replica, or at the next start) and the processed-event ids keep their
    effect once. Once the service has started, what it holds is frozen out of the cyclic
    collector's walks (:func:`kelisim.collection.freeze_startup_heap`).
    """
    runner = ServiceRunner(settings)
    runner.add_service(cls)
    stopping: list[bool] = []

    def stop() -> None:
        exporter.ready = False
        if not stopping:
            stopping.append(True)
            eventlet.spawn_n(runner.stop)
            eventlet.spawn_n(_kill_after, runner, config.stop_grace_seconds())

    # signal handlers run in the main loop and cannot use eventlet primitives: spawn_n only
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop())
    # while starting, Ctrl-C stops as SIGTERM does: a start waiting for a broker that does
    # not answer swallowed the KeyboardInterrupt and went on retrying
    signal.signal(signal.SIGINT, lambda _signum, _frame: stop())
    try:
        runner.start()
    except BaseException:  # the gateway's port is taken: nothing may stay connected
        runner.kill()
        raise
    signal.signal(signal.SIGINT, signal.default_int_handler)  # then KeyboardInterrupt again
    # what starting made lives as long as the process: out of every later full collection
    get_logger(__name__).info("start-up heap frozen", objects=collection.freeze_startup_heap())
    exporter.ready = True
    waiting = eventlet.spawn(runner.wait)
    interrupted = False
    while True:
        try:
            waiting.wait()
            return
        except OSError as exc:  # a signal interrupted the wait: keep waiting
            if exc.errno != errno.EINTR:
                raise
        except KeyboardInterrupt:
            if interrupted:
                runner.kill()
            interrupted = True
            stop()


def _kill_after(runner: ServiceRunner, grace: float) -> None:
    """Kill ``runner``'s services if they have not stopped ``grace`` seconds from now
    (the process ends once they stop, so this only runs on for a stop that hangs)."""
    eventlet.sleep(grace)
    in_flight = sorted(
        f"{ctx.service_name}.{ctx.entrypoint.method_name}"
        for container in runner.containers for ctx in list(container._worker_threads))
    get_logger(__name__).warning("stop grace period over: killing the workers in flight",
                                 grace_seconds=grace, in_flight=in_flight)
    runner.kill()


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1]))
