"""Domain errors shared by every service.

They cross RPC intact: nameko serialises an exception's args, and the classes are
registered as deserialisable, so the gateway receives the same type back and maps it
to an RFC 7807 problem with the right status.

``detail`` and the messages in ``errors`` are :class:`kelisim.i18n.Msg` texts (or plain
strings): their English form is the exception's text, and their untranslated form
travels as the third argument, so the gateway answers in the caller's language.
"""
from typing import Any

from nameko.exceptions import deserialize_to_instance

from kelisim.i18n import N_, as_message, translate


class KelisimError(Exception):
    """Base of expected, client-caused errors. ``status`` is the HTTP analogue."""

    status = 400
    title = N_("Bad request")

    def __init__(self, detail: Any, errors: Any = None, texts: dict[str, Any] | None = None) -> None:
        if texts is None:
            texts = {"detail": _portable(detail), "errors": _portable(errors or {})}
        self.texts = texts
        self.message = as_message(texts.get("detail")) or detail   # for use inside another text
        self.detail = translate(detail, "en")
        self.errors = translate(errors or {}, "en")
        super().__init__(self.detail, self.errors, texts)

    def detail_in(self, lang: str | None) -> Any:
        """``detail`` in ``lang`` (kk, ru, en)."""
        return translate(self.texts.get("detail", self.detail), lang)

    def errors_in(self, lang: str | None) -> Any:
        """``errors`` with every field message in ``lang``."""
        return translate(self.texts.get("errors", self.errors), lang)

    def __str__(self) -> str:
        return str(self.detail)


def _portable(value: Any) -> Any:
    """Msgs as their dict form, the rest as it is (JSON-safe across RPC)."""
    message = as_message(value)
    if message is not None:
        return message.to_dict()
    if isinstance(value, dict):
        return {str(k): _portable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_portable(v) for v in value]
    return value


@deserialize_to_instance
class NotFound(KelisimError):
    status = 404
    title = N_("Not found")


@deserialize_to_instance
class Conflict(KelisimError):
    status = 409
    title = N_("Conflict")


@deserialize_to_instance
class Invalid(KelisimError):
    """Well-formed input that breaks a rule; ``errors`` maps field names to messages."""

    status = 422
    title = N_("Unprocessable entity")


@deserialize_to_instance
class Forbidden(KelisimError):
    status = 403
    title = N_("Forbidden")


@deserialize_to_instance
class StaleVersion(Conflict):
    """Optimistic locking: the record changed since the client read it."""

    title = N_("Stale version")
