"""eventlet's access-log line is built only when someone reads it (INFO or lower)."""
import logging
import socket

import pytest

from gateway.http.server import ProblemWebServer


@pytest.mark.parametrize("level, built", [(logging.WARNING, False), (logging.INFO, True)])
def test_the_access_line_is_built_only_at_info(level, built):
    logger = logging.getLogger("nameko.web.server")
    before = logger.level
    logger.setLevel(level)
    try:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            server = ProblemWebServer().get_wsgi_server(sock, lambda environ, start: [])
        assert server.log_output is built
    finally:
        logger.setLevel(before)
