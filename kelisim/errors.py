"""Domain errors shared by every service.

They cross RPC intact: nameko serialises an exception's args, and the classes are
registered as deserialisable, so the gateway receives the same type back and maps it
to an RFC 7807 problem with the right status.
"""
from nameko.exceptions import deserialize_to_instance


class KelisimError(Exception):
    """Base of expected, client-caused errors. ``status`` is the HTTP analogue."""

    status = 400
    title = "Bad request"

    def __init__(self, detail, errors=None):
        super().__init__(detail, errors or {})
        self.detail = detail
        self.errors = errors or {}

    def __str__(self):
        return self.detail


@deserialize_to_instance
class NotFound(KelisimError):
    status = 404
    title = "Not found"


@deserialize_to_instance
class Conflict(KelisimError):
    status = 409
    title = "Conflict"


@deserialize_to_instance
class Invalid(KelisimError):
    """Well-formed input that breaks a rule; ``errors`` maps field names to messages."""

    status = 422
    title = "Unprocessable entity"


@deserialize_to_instance
class Forbidden(KelisimError):
    status = 403
    title = "Forbidden"


@deserialize_to_instance
class StaleVersion(Conflict):
    """Optimistic locking: the record changed since the client read it."""

    title = "Stale version"
