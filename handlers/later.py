"""Work a command leaves for after its reply: slow things (LLM summaries) that must not hold up the
answer nor run inside its transaction. Adapters run it once the reply is out and post what it returns.

A job is a plain function of the services, bound to ids with functools.partial, so that it can be
queued, retried and tested on its own.
"""

from collections.abc import Callable
from dataclasses import dataclass

from handlers.clock import Clock
from handlers.links import Links
from handlers.reply import Reply
from handlers.summaries.summarizer import Summarizer
from storage.db import Database


@dataclass(frozen=True)
class Services:
    database: Database
    summarizer: Summarizer
    clock: Clock
    links: Links


Job = Callable[[Services], Reply | None]


@dataclass(frozen=True)
class Outcome:
    """A command's reply, and the jobs to run after it is shown."""

    reply: Reply
    later: tuple[Job, ...] = ()
    repeated: bool = False  # the reply an earlier twin of this request got: it has been shown already
