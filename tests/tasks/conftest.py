"""An item ready for reporting: a plan with a March period, a task led by 市科技局 with 市财政局
co-responsible, a target, and the people who act on it."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

# 2025-03-20 10:00 in Beijing, a Thursday; the March report is due on Tuesday 2025-03-25.
NOW = datetime(2025, 3, 20, 2, 0, tzinfo=timezone.utc)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file() -> io.BytesIO:
    return io.BytesIO(PDF)


@dataclass
class Item:
    plan: object
    period: object
    task: object
    target: object
    lead: object
    co: object
    liaison: object
    co_liaison: object
    head: object
    stranger: object
    reviewer: object
    office: object


@pytest.fixture
def item(make, reviewer, office) -> Item:
    lead, co, other = make.department("市科技局"), make.department("市财政局"), make.department("市教育局")
    plan = make.plan("科技创新行动方案")
    period = make.period(plan)
    task = make.task(plan, lead=lead, co=[co], title="培育高新技术企业")
    target = make.target(task, name="高新技术企业", value=1200, unit="家")
    return Item(
        plan=plan, period=period, task=task, target=target, lead=lead, co=co,
        liaison=make.liaison(lead, "kjj"), co_liaison=make.liaison(co, "czj"), head=make.head(lead, "kjj_head"),
        stranger=make.liaison(other, "jyj"), reviewer=reviewer, office=office,
    )
