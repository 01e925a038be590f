"""``kelisim serve COMPONENT``: one nameko service in this process, until SIGTERM or Ctrl-C.

A SIGTERM (what ``kelisim run`` and Kubernetes send) stops the consumers first, lets every
worker in flight finish and acknowledge its message, then stops the rest; messages not yet
started stay on the broker for the other replicas. The exporter's ``/ready`` turns 503
at that moment (see kelisim/exporter.py).
"""
import kelisim  # noqa: F401  (quiets eventlet's deprecation notice before importing it)
import eventlet

eventlet.monkey_patch()  # before anything imports socket-using modules

import errno  # noqa: E402
import signal  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from kelisim import config  # noqa: E402
from kelisim.cli.components import service_class  # noqa: E402
from kelisim.exporter import Exporter  # noqa: E402
from kelisim.logging import configure, get_logger  # noqa: E402


def serve(component):
    configure(component)
    log = get_logger(__name__)
    exporter = Exporter()
    if component != "gateway":  # the gateway serves /metrics on its own HTTP port
        host = config.env("KELISIM_METRICS_HOST", "127.0.0.1")
        port = config.metrics_port(component)
        exporter.start(host, port)
        log.info("metrics exporter listening", address=f"http://{host}:{port}/metrics")
    cls = service_class(component)
    settings = config.nameko_config(component)
    log.info("starting", component=component, database=_safe(settings["DATABASE_URL"]))
    run(cls, settings, exporter)
    log.info("stopped", component=component)


def run(cls, settings, exporter):
    """nameko's ``run`` for one service, telling ``exporter`` when it is ready and stopping.

    A second SIGTERM or Ctrl-C while stopping (a signal to the whole process group, then
    one from ``kelisim run``) does not stop it twice; a Ctrl-C after that kills it.
    """
    runner = ServiceRunner(settings)
    runner.add_service(cls)
    stopping = []

    def stop():
        exporter.ready = False
        if not stopping:
            stopping.append(True)
            eventlet.spawn_n(runner.stop)

    # signal handlers run in the main loop and cannot use eventlet primitives: spawn_n only
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop())
    runner.start()
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


def _safe(url):
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    import sys

    serve(sys.argv[1])
