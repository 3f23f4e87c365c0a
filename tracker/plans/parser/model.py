"""What the parser hands back: plain dataclasses, turned into the JSON contract by `to_dict()`."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class ParseWarning:
    """Something the office should look at during review (待审核提示)."""

    code: str
    message: str
    task: str | None = None


@dataclass
class Target:
    """A quantitative target (量化目标): `value` is in the base unit, 万 and 亿 multiplied out."""

    name: str
    value: int | float
    unit: str | None
    text: str
    value_max: int | float | None = None
    year: int | None = None
    # "min" for a floor (不低于, 以上), "max" for a ceiling (控制在…以内, 压缩至); a rise or a fall
    # ("增长6%", "下降15%") says the value is a change, not a level.
    bound: str | None = None
    change: str | None = None


@dataclass
class Deliverable:
    """An annual deliverable (年度任务): a year's work, or every year's (每年…) when `recurring`."""

    year: int | None
    text: str
    targets: list[Target] = field(default_factory=list)
    recurring: bool = False
    # "到2025年…" is a deadline; "2018年…" is that year's work. Only the latter dates the plan's start.
    is_deadline: bool = False
    # The day it is due where the text names one ("2025年6月底前" → 2025-06-30).
    due_on: date | None = None
    # A deadline that names no year ("6月底前"), dated once the plan's year is known.
    deadline_text: str | None = None

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "text": self.text,
            "recurring": self.recurring,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "targets": [asdict(target) for target in self.targets],
        }


@dataclass
class Indicator:
    """A row of an indicator table (专栏 主要指标): baseline and target in the base unit."""

    name: str
    unit: str | None
    baseline: int | float | None
    target: int | float | None
    year: int | None
    baseline_text: str | None = None
    target_text: str | None = None
    unit_text: str | None = None
    baseline_year: int | None = None
    category: str | None = None
    attribute: str | None = None


@dataclass
class Section:
    """A heading above tasks (一、… / 第X章 / (一)…); `path` is the numbers from the top down."""

    number: str
    title: str
    level: int
    path: list[str]
    text: str = ""
    is_preamble: bool = False


@dataclass
class Task:
    """A numbered task (重点任务) with its lead (牵头单位) and co-responsible units (配合单位)."""

    number: str
    path: list[str]
    title: str
    text: str
    text_original: str
    lead: str | None = None
    co: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    deliverables: list[Deliverable] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # The number of the task this one is a sub-measure of (its 1. under a task (一)), if any.
    parent: str | None = None
    # Where each field was read: the task's first sentence and the clause its units came from.
    source: dict = field(default_factory=dict)
    # What the office should check (no_lead, unknown_unit, first_listed_lead, inherited_lead,
    # maybe_heading, unclosed_clause), and how sure the parser is of the task as a whole (0–1).
    doubts: list[str] = field(default_factory=list)
    confidence: float = 1.0

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "parent": self.parent,
            "path": self.path,
            "title": self.title,
            "text": self.text,
            "text_original": self.text_original,
            "lead": self.lead,
            "co": self.co,
            "groups": self.groups,
            "deliverables": [deliverable.to_dict() for deliverable in self.deliverables],
            "indicators": [asdict(indicator) for indicator in self.indicators],
            "warnings": [asdict(warning) for warning in self.warnings],
            "source": self.source,
            "doubts": self.doubts,
            "confidence": self.confidence,
        }


@dataclass
class ParsedPlan:
    title: str
    doc_number: str | None = None
    issuer: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    converted_from_traditional: bool = False
    # The text before the first section or task (the notice, the foreword): kept, not assigned.
    preamble: str = ""
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # What was read, for a plan that yields nothing: paragraphs, numbering families, tags found.
    reading: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "reading": self.reading,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "converted_from_traditional": self.converted_from_traditional,
            "preamble": self.preamble,
            "warnings": [asdict(warning) for warning in self.warnings],
            "indicators": [asdict(indicator) for indicator in self.indicators],
            "targets": [asdict(target) for target in self.targets],
            "sections": [asdict(section) for section in self.sections],
            "tasks": [task.to_dict() for task in self.tasks],
        }
