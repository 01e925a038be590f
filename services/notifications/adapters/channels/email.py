"""E-mail over SMTP: STARTTLS or implicit TLS, optional credentials, in the reader's language.

Header values are made safe from any text a person can type (a task title with a line
break): control characters become spaces. The subject is encoded as RFC 2047 words that
each end with their own space (``email.header.Header``), so a reader's parser gets the
words back with the spaces between them; the body is UTF-8 text.
"""
import re
import smtplib
import ssl
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate

from services.notifications.adapters.channels.base import Channel, DeliveryFailed
from services.notifications.adapters.channels.deadline import RawFd, Watchdog, cut
from services.notifications.domain.templates import batch_subject, digest_subject

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
MAX_SUBJECT = 200


def header_safe(text, limit=MAX_SUBJECT):
    """``text`` on one line, without control characters, at most ``limit`` characters."""
    line = " ".join(_CONTROL.sub(" ", str(text or "")).split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def _lines(message):
    """(subject, text) of ``message`` in its reader's language."""
    lang = message.language
    if message.digest:
        rendered = [r for _, _, r in message.digest if r is not None]
        subject = (batch_subject(rendered, lang) if message.batch and rendered
                   else digest_subject(len(message.digest), lang))
        items = [f"• {r.title(lang)}\n  {r.body(lang)}" for r in rendered]
        return subject, subject + "\n\n" + "\n\n".join(items) + "\n"
    r = message.rendered
    return r.title(lang), f"{r.title(lang)}\n\n{r.body(lang)}\n"


def compose(message, sender):
    """The e-mail of one delivery (one event, a batch of one action, or a digest)."""
    subject, text = _lines(message)
    mail = MIMEText(text, "plain", "utf-8")
    mail["Subject"] = Header(header_safe(subject), "utf-8")
    mail["From"] = header_safe(sender)
    mail["To"] = header_safe(message.target)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = f"<delivery-{message.delivery_id}@kelisim>"
    mail["Content-Language"] = message.language
    mail["X-Kelisim-Delivery"] = str(message.delivery_id)
    mail["X-Kelisim-Event-Type"] = message.event_type
    if not message.digest:
        mail["X-Kelisim-Event-Id"] = header_safe(message.event_id)
    return mail


class _Tracked:
    """Notes when the whole message (its terminating ``CRLF.CRLF``) went out in DATA: from
    then on a lost final reply means the server may have taken it (RFC 5321 §4.1.1.4)."""

    message_sent = False
    _in_data = False

    def data(self, msg):
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s):
        super().send(s)
        if self._in_data and (s.endswith(b"\r\n.\r\n") if isinstance(s, bytes)
                              else s.endswith("\r\n.\r\n")):
            self.message_sent = True


class _Raw(RawFd, smtplib.SMTP):
    """Keeps the TCP socket's descriptor (before an implicit TLS handshake)."""

    def _get_socket(self, host, port, timeout):
        return self._remember(super()._get_socket(host, port, timeout))


class _SMTP(_Tracked, _Raw):
    pass


class _SMTP_SSL(_Tracked, smtplib.SMTP_SSL, _Raw):
    pass


class EmailChannel(Channel):
    name = "email"
    repeatable = False  # an SMTP server may have accepted a message whose reply was lost

    def __init__(self, settings):
        self.settings = settings

    def _context(self):
        return ssl.create_default_context(cafile=self.settings.ca_file)

    def _client(self):
        s = self.settings
        if s.security == "tls":
            return _SMTP_SSL(timeout=s.timeout, context=self._context())
        return _SMTP(timeout=s.timeout)

    def _open(self, smtp):
        s = self.settings
        smtp._host = s.host  # the TLS server name; set by smtplib only when it connects itself
        smtp.connect(s.host, s.port)
        if s.security == "starttls":
            smtp.starttls(context=self._context())
        if s.username:
            smtp.login(s.username, s.password or "")

    def deliver(self, message):
        """Send the e-mail of ``message``; 250, or :class:`DeliveryFailed` (with
        ``maybe_delivered`` when the server had the whole message but its final reply
        never came: that one is not sent again blindly). The whole exchange is bounded by
        the settings' ``deadline`` (seconds), each read by their ``timeout``."""
        return self.send(compose(message, self.settings.sender))

    def send(self, mail):
        """Send one composed :class:`EmailMessage` (its From set here when missing), as
        :meth:`deliver` does."""
        if mail["From"] is None:
            mail["From"] = self.settings.sender
        smtp = self._client()
        watchdog = Watchdog(lambda: cut(smtp.raw_fd), self.settings.deadline)
        try:
            try:
                self._open(smtp)
                smtp.send_message(mail)
            finally:
                try:
                    smtp.quit()
                except (smtplib.SMTPException, OSError):
                    smtp.close()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed(f"recipient refused: {exc.recipients}",
                                 permanent=all(c >= 500 for c in codes),
                                 status_code=codes[0] if codes else None) from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") if isinstance(
                exc.smtp_error, bytes) else str(exc.smtp_error)
            raise DeliveryFailed(f"SMTP {exc.smtp_code}: {text}", permanent=exc.smtp_code >= 500,
                                 status_code=exc.smtp_code) from None
        except (smtplib.SMTPException, OSError) as exc:  # no answer: cut off, timed out
            if smtp.message_sent:
                raise DeliveryFailed(
                    f"no final reply from the SMTP server after the whole message was sent "
                    f"({type(exc).__name__})", maybe_delivered=True) from None
            if watchdog.fired:
                raise DeliveryFailed(f"no complete SMTP exchange within "
                                     f"{self.settings.deadline:g} s") from None
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        finally:
            watchdog.cancel()
        return 250
