"""What a summary is made of, what goes into one, and the shapes an LLM must answer in."""

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, Field, field_validator

HEADLINE_WORDS = 15


class Summary(BaseModel):
    """A status update in business language."""

    headline: str = Field(description=f"at most {HEADLINE_WORDS} words")
    summary: str = Field(description="2 to 4 plain sentences a non-technical sponsor understands")
    business_impact: str = Field(description="what this means for the project's goal and KPIs")
    asks: list[str] = Field(description="what is needed from the reader; empty when nothing")

    @field_validator("headline")
    @classmethod
    def _short_headline(cls, value: str) -> str:
        if len(value.split()) > HEADLINE_WORDS:
            raise ValueError(f"the headline has more than {HEADLINE_WORDS} words")
        return value

    def text(self) -> str:
        """Everything the summary says, for the fact check."""
        return "\n".join([self.headline, self.summary, self.business_impact, *self.asks])


class DigestPoint(BaseModel):
    text: str
    sources: list[int] = Field(description="the numbers of the updates this point comes from")


class Digest(BaseModel):
    """Several updates in business language, each point pointing back to its updates."""

    headline: str = Field(description=f"at most {HEADLINE_WORDS} words")
    points: list[DigestPoint]
    asks: list[str]

    def text(self) -> str:
        return "\n".join([self.headline, *(p.text for p in self.points), *self.asks])


@dataclass(frozen=True)
class KpiContext:
    name: str
    baseline: float
    target: float
    unit: str | None
    latest: float | None


@dataclass(frozen=True)
class ProjectContext:
    """What a summary may say about the goal: name, phase and the success KPIs."""

    name: str
    phase: str
    kpis: tuple[KpiContext, ...] = ()

    def facts_text(self) -> str:
        """The context as text, so that numbers taken from it pass the fact check."""
        lines = [f"{self.name}, phase {self.phase}"]
        for k in self.kpis:
            unit = f" {k.unit}" if k.unit else ""
            latest = f", latest {k.latest:g}{unit}" if k.latest is not None else ""
            lines.append(f"KPI {k.name}: baseline {k.baseline:g}{unit}, target {k.target:g}{unit}{latest}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Update:
    """One status update as a summary sees it."""

    health: str
    text: str
    author: str = ""
    at: datetime | None = None


T = TypeVar("T", Summary, Digest)


@dataclass(frozen=True)
class Result(Generic[T]):
    """A summary and where it came from (`llm` or `offline`), with why the LLM was not used, if it was not."""

    value: T
    source: str
    reason: str = ""
