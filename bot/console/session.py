"""The console: one command a line, from a terminal (with history) or from a script's stdin."""

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.console.render import render
from handlers.command import Command
from handlers.reply import Reply, Tone
from handlers.service import CommandService

HISTORY = Path.home() / ".pmbot_history"
PROMPT = "pm> "


@dataclass(frozen=True)
class Identity:
    """Who is typing and where, as a platform would say it."""

    user: str = "me"
    channel: str = "console"
    tenant: str = "local"
    timezone: str | None = None

    def command(self, text: str) -> Command:
        return Command(
            tenant_id=self.tenant,
            user_id=self.user,
            channel_id=self.channel,
            text=text,
            request_id=f"console-{uuid.uuid4()}",
            user_tz=self.timezone,
        )


def answers(service: CommandService, command: Command) -> Iterator[Reply]:
    """The reply to `command`, then what the work it left produces (a summary), as each is ready."""
    outcome = service.handle(command)
    yield outcome.reply
    for job in outcome.later:
        follow = service.run_later(job)
        if follow is not None:
            yield follow


def run_script(service: CommandService, who: Identity, lines: TextIO, out: TextIO) -> int:
    """Answer each non-blank line; returns how many commands failed, for a script's exit status."""
    failed = 0
    for raw in lines:
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        for number, reply in enumerate(answers(service, who.command(text))):
            failed += number == 0 and reply.tone == Tone.ERROR
            out.write(render(reply) + "\n\n")
            out.flush()
    return failed


def run_interactive(service: CommandService, who: Identity) -> None:
    import readline

    with contextlib.suppress(OSError):
        readline.read_history_file(HISTORY)
    print(f"pmbot console — you are @{who.user} in #{who.channel}. Type `help`, or `quit` to leave.")
    try:
        while True:
            try:
                text = input(PROMPT).strip()
            except EOFError:
                print()
                break
            if text in ("quit", "exit"):
                break
            if text:
                for reply in answers(service, who.command(text)):
                    print(render(reply) + "\n")
    except KeyboardInterrupt:
        print()
    finally:
        with contextlib.suppress(OSError):
            readline.write_history_file(HISTORY)
