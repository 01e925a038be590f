"""E-mail over SMTP: STARTTLS or implicit TLS, optional credentials, kk and ru in one message."""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from services.notifications.adapters.channels.base import Channel, DeliveryFailed
from services.notifications.domain.templates import digest_subject

SEPARATOR = "\n\n— — —\n\n"


def compose(message, sender):
    """The e-mail of one delivery (one event, or a digest of several)."""
    mail = EmailMessage()
    if message.digest:
        kk, ru = digest_subject(len(message.digest))
        lines_kk = [f"• {r.title_kk}\n  {r.body_kk}" for _, _, r in message.digest]
        lines_ru = [f"• {r.title_ru}\n  {r.body_ru}" for _, _, r in message.digest]
        text = kk + "\n\n" + "\n\n".join(lines_kk) + SEPARATOR + ru + "\n\n" + "\n\n".join(lines_ru)
        subject = f"{kk} / {ru}"
    else:
        r = message.rendered
        subject = f"{r.title_kk} / {r.title_ru}"
        text = f"{r.title_kk}\n\n{r.body_kk}{SEPARATOR}{r.title_ru}\n\n{r.body_ru}\n"
        mail["X-Kelisim-Event-Id"] = message.event_id
    mail["Subject"] = subject
    mail["From"] = sender
    mail["To"] = message.target
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = f"<delivery-{message.delivery_id}@kelisim>"
    mail["X-Kelisim-Delivery"] = str(message.delivery_id)
    mail["X-Kelisim-Event-Type"] = message.event_type
    mail.set_content(text)
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


class _SMTP(_Tracked, smtplib.SMTP):
    pass


class _SMTP_SSL(_Tracked, smtplib.SMTP_SSL):
    pass


class EmailChannel(Channel):
    name = "email"
    repeatable = False  # an SMTP server may have accepted a message whose reply was lost

    def __init__(self, settings):
        self.settings = settings

    def _context(self):
        return ssl.create_default_context(cafile=self.settings.ca_file)

    def _connect(self):
        s = self.settings
        if s.security == "tls":
            return _SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
        smtp = _SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            smtp.starttls(context=self._context())
        return smtp

    def deliver(self, message):
        """Send the e-mail of ``message``; 250, or :class:`DeliveryFailed` (with
        ``maybe_delivered`` when the server had the whole message but its final reply
        never came: that one is not sent again blindly)."""
        mail = compose(message, self.settings.sender)
        smtp = None
        try:
            smtp = self._connect()
            try:
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
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
            if smtp is not None and smtp.message_sent:
                raise DeliveryFailed(
                    f"no final reply from the SMTP server after the whole message was sent "
                    f"({type(exc).__name__})", maybe_delivered=True) from None
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        return 250
