"""Errors a person caused and can fix: their message is shown in the chat, and nothing is written."""


class CommandError(Exception):
    """Bad input. `usage` is filled in by the registry with the usage of the verb that was called."""

    def __init__(self, message: str, *, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
