"""Errors a person caused and can fix: their message is shown in the chat, and nothing is written."""


class CommandError(Exception):
    """Bad input. The registry fills in `usage` (the verb's) and `param` (the argument that was wrong,
    when one was), so a form can show the message beside its field."""

    def __init__(self, message: str, *, usage: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
        self.param = param
