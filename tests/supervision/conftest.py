"""Departments and people of the 督查督办 loop: the office, a leader, 市科技局 (liaison and head) and 市财政局."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest

# 2026-03-10 10:00 in Beijing, a Tuesday.
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file() -> io.BytesIO:
    return io.BytesIO(PDF)


@dataclass
class People:
    office: object
    leader: object
    lead: object
    co: object
    liaison: object
    head: object
    co_liaison: object
    stranger: object


@pytest.fixture
def people(make, office, leader) -> People:
    lead, co, other = make.department("市科技局"), make.department("市财政局"), make.department("市教育局")
    return People(office=office, leader=leader, lead=lead, co=co, liaison=make.liaison(lead, "kjj"),
                  head=make.head(lead, "kjj_head"), co_liaison=make.liaison(co, "czj"),
                  stranger=make.head(other, "jyj_head"))


def register(db, people: People, **overrides):
    from tracker.supervision.services import register_instruction

    fields = dict(document_title="关于科技型中小企业融资难问题的报告", document_number="科技〔2026〕5号",
                  leader=people.leader, leader_name="王明", words="请科技局牵头，会同财政局研究提出意见，月底前报我。",
                  written_on=date(2026, 3, 9), lead=people.lead, co=[people.co], due_on=date(2026, 3, 31),
                  reply_requirements="提出支持科技型中小企业融资的具体措施", by=people.office, now=NOW)
    instruction = register_instruction(**(fields | overrides))
    db.session.commit()
    return instruction
