"""One small hierarchy of errors: each carries a sentence a user can act on."""


class MsopsError(Exception):
    """Base of every error msops raises on purpose."""


class NotFound(MsopsError):
    """A named thing (organisation, operation, return) does not exist or is out of scope."""


class AccessDenied(MsopsError):
    """The principal's scope does not allow this read or write."""


class InvalidInput(MsopsError):
    """A value given on the command line or in a form is not acceptable."""
