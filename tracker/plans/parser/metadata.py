"""A plan's title, issuer (印发机关), document number (文号) and publication year."""
from __future__ import annotations

import re
from pathlib import PurePath

from tracker.plans.parser.numbering import ACTION_WORDS

PLAN_KINDS = (r"(?:实施方案|行动方案|工作方案|方案|规划|行动计划|计划|实施意见|意见|纲要|办法|措施|要点|任务分解表|分解表|分工表"
              r"|任务分解|责任分解|实事|清单)")
# A notice's own title names the plan it issues: "…关于印发2018年政务公开工作主要任务分解表的通知".
ISSUING = re.compile(r"关于(?:印发|转发)?《?([^《》]{4,80}?)》?的通知")
QUOTED_TITLE = re.compile(rf"《([^《》]{{4,80}}?{PLAN_KINDS}(?:\s*[(（][^()（）]*[)）])?)(?:\.docx?|\.pdf|\.wps)?》")
CITATION_BEFORE = re.compile(r"(?:根据|依据|按照|贯彻|落实|参照|对照|执行|结合)[^,，。;；]{0,6}$")
FILE_EXTENSION = re.compile(r"\.(?:docx?|pdf|wps|txt)$", re.IGNORECASE)
STANDALONE_TITLE = re.compile(rf"^[^,，。;；:：!?！？]{{4,60}}{PLAN_KINDS}(?:\s*[(（][^()（）]*[)）])?$")
MADE_THIS = re.compile(rf"^为了?([^,，。]+).*?制定本({PLAN_KINDS})")
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8})\s*[〔\[【(（]\s*((?:19|20)\d\d)\s*[〕\]】)）]\s*(\d{1,4})\s*号")
ISSUE_WORDS = re.compile(r"(?:已|近日|日前|正式|联合|关于)+$")
ISSUER_END = re.compile(r"(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|厅|局|委|办|部)$")
LEADING_TIME = re.compile(r"^(?:近日|日前|近期|今年|目前|最近|\d+月\d+日)")
PUBLISHED = re.compile(r"(?:发布时间|发布日期|上传时间|成文日期|印发日期)[:：]\s*((?:19|20)\d\d)")
HEAD_LINES = 12


def find_title(lines: list[str], filename: str | None) -> str:
    """The plan's name: the notice's title (关于印发…的通知), quoted 《…方案》 near the top, a title
    line, "制定本方案" or the file name."""
    for line in lines[:HEAD_LINES]:
        issuing = ISSUING.search(line)
        if issuing and "》" not in line[issuing.end():issuing.end() + 1] and not CITATION_BEFORE.search(line[:issuing.start()]) \
                and not re.search(r"《[^》]*$", line[:issuing.start()]):
            return issuing.group(1).strip()
    for line in lines[:HEAD_LINES] + lines[HEAD_LINES:HEAD_LINES * 3]:
        for match in QUOTED_TITLE.finditer(line):
            if not CITATION_BEFORE.search(line[:match.start()]):
                return match.group(1).strip()
    for line in lines[:HEAD_LINES]:
        candidate = FILE_EXTENSION.sub("", line).strip()
        if STANDALONE_TITLE.match(candidate):
            return candidate
    for line in lines[:HEAD_LINES]:
        made = MADE_THIS.match(line)
        if made:
            return _subject(made.group(1)) + made.group(2)
    if filename:
        return PurePath(filename).stem
    return lines[0][:60] if lines else ""


def _subject(clause: str) -> str:
    """"扎实推进苏南国家科技成果转移转化示范区(以下简称示范区)建设" → "苏南…示范区建设"."""
    clause = re.sub(r"[(（][^()（）]*[)）]", "", clause)
    while clause[:2] in ACTION_WORDS and len(clause) > 4:
        clause = clause[2:]
    return clause


def find_doc_number(lines: list[str]) -> str | None:
    """The plan's own 文号 (淮政〔2022〕46号), not one it cites in brackets after 《…》."""
    for line in lines:
        if "号" not in line:
            continue
        for match in DOC_NUMBER.finditer(line):
            if re.search(r"》\s*[(（]?\s*$", line[:match.start()]):
                continue
            return f"{match.group(1)}〔{match.group(2)}〕{match.group(3)}号"
    return None


def find_issuer(lines: list[str]) -> str | None:
    """Who issued the plan: the office or government named just before "印发"."""
    for line in lines:
        if "印发" not in line:
            continue
        # A title in 《…》 is a document the plan cites, and its issuer is not the plan's.
        line = re.sub(r"《[^》]*》", "《》", DOC_NUMBER.sub(",", line))
        for match in re.finditer("印发", line):
            run = re.search(r"[\u4e00-\u9fff]{2,30}$", line[max(0, match.start() - 30):match.start()])
            name = LEADING_TIME.sub("", ISSUE_WORDS.sub("", run.group(0))) if run else ""
            if len(name) >= 3 and ISSUER_END.search(name):
                return name
    return None


def find_publish_year(lines: list[str]) -> int | None:
    for line in lines:
        match = PUBLISHED.search(line)
        if match:
            return int(match.group(1))
    return None
