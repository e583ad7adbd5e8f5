"""One small hierarchy of errors: each carries a sentence a user can act on."""


class MsopsError(Exception):
    """Base of every error msops raises on purpose."""


class NotFound(MsopsError):
    """A named thing (organisation, operation, return) does not exist or is out of scope."""


class AccessDenied(MsopsError):
    """The principal's scope does not allow this read or write."""


class InvalidInput(MsopsError):
    """A value given on the command line or in a form is not acceptable."""


class Conflict(MsopsError):
    """Another change to the same thing was stored first: look at it, then try again."""


class DatabaseUnavailable(MsopsError):
    """The database cannot be used as configured: it does not answer, the URL is not one msops
    opens, or it holds no msops tables yet."""


class DatabaseBusy(DatabaseUnavailable):
    """Another writer held the database (or the same return) for longer than msops waits."""
