"""A real SMTP server for the tests (aiosmtpd), run as its own process.

It requires STARTTLS and AUTH with the given credentials, and writes each message it
accepts to ``<dir>/<n>.eml``. Prints ``ready <port>`` once it listens.
"""
import argparse
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class SaveToFolder:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        tmp = os.path.join(self.folder, f".{self.count}.tmp")
        with open(tmp, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.folder, f"{self.count}.eml"))
        return "250 OK stored"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok)
    return check


def main():
    parser = argparse.ArgumentParser()
    for name in ("dir", "cert", "key", "user", "password"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    controller = Controller(
        SaveToFolder(args.dir), hostname="127.0.0.1", port=args.port, tls_context=context,
        require_starttls=True, auth_required=True, auth_require_tls=True,
        authenticator=authenticator(args.user, args.password))
    controller.start()
    print(f"ready {args.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
