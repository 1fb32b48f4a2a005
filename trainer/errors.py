"""Domain errors raised by services; their message is shown to the user in Chinese."""


class ServiceError(Exception):
    """A rule was broken; str(error) is a Chinese sentence for the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class SignedOut(ServiceError):
    """The session no longer stands for an active user (password changed, account disabled)."""
