"""Stopping a service ends its background gauge thread cleanly: nothing to kill."""
import logging

from nameko.containers import ServiceContainer

from kelisim.gauges import BackgroundGauges


class Idle:
    name = "idle"
    gauges = BackgroundGauges(lambda engine: None)


def test_stopping_a_service_leaves_no_gauge_thread_to_kill(caplog):
    container = ServiceContainer(Idle, {"GAUGE_INTERVAL": 0.01})
    container.start()
    with caplog.at_level(logging.WARNING, logger="nameko.containers"):
        container.stop()
    assert not [r for r in caplog.records if "killing" in r.getMessage()], caplog.text
