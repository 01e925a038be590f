"""The e-mail inviting a person to set their password, or to reset it, in Kazakh and Russian.

The link is a secret of the person's: it goes into this e-mail and nowhere else (no inbox
item, no event, no delivery row, no log line).
"""
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

SEPARATOR = "\n\n— — —\n\n"
SUBJECTS = {
    "invitation": ("kelisim: құпиясөзді орнатыңыз", "kelisim: установите пароль"),
    "reset": ("kelisim: құпиясөзді қалпына келтіру", "kelisim: сброс пароля"),
}


def compose_link_mail(to, purpose, link, name, expires_at):
    """The message for ``purpose`` (``invitation`` or ``reset``); ``expires_at`` is text."""
    kk_subject, ru_subject = SUBJECTS[purpose]
    kk = (f"Сәлеметсіз бе, {name}!\n\nkelisim жүйесіне кіру үшін құпиясөзді мына сілтеме "
          f"арқылы орнатыңыз (бір рет қолданылады, {expires_at} UTC дейін жарамды):\n\n{link}\n\n"
          "Егер сіз сұрамаған болсаңыз, бұл хатты елемеңіз.")
    ru = (f"Здравствуйте, {name}!\n\nЧтобы войти в kelisim, установите пароль по ссылке "
          f"(действует один раз, до {expires_at} UTC):\n\n{link}\n\n"
          "Если вы этого не запрашивали, просто проигнорируйте это письмо.")
    mail = EmailMessage()
    mail["Subject"] = f"{kk_subject} / {ru_subject}"
    mail["To"] = to
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="kelisim")
    mail["X-Kelisim-Account-Link"] = purpose
    mail.set_content(kk + SEPARATOR + ru + "\n")
    return mail
