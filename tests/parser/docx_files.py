"""Word files made in the tests: python-docx for the body, hand-written parts where it has no API."""
from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The same package with some parts replaced or added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in original.namelist():
            copy.writestr(name, parts.get(name, original.read(name)))
        for name, content in parts.items():
            if name not in original.namelist():
                copy.writestr(name, content)
    return buffer.getvalue()


def numbered(paragraph, number_id: int, level: int) -> None:
    """Give a paragraph Word's automatic numbering (w:numPr), as Word's list buttons do."""
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{number_id}"/></w:numPr>'))


def numbering_part(levels: list[tuple[str, str]], instances: dict[int, dict[int, int]]) -> bytes:
    """numbering.xml with one abstract list of the given (format, text) levels, and list instances
    numId → {level: start override}."""
    level_xml = "".join(f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
                        for index, (fmt, text) in enumerate(levels))
    instance_xml = "".join(
        f'<w:num w:numId="{number_id}"><w:abstractNumId w:val="7"/>'
        + "".join(f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                  for level, start in overrides.items())
        + "</w:num>"
        for number_id, overrides in instances.items())
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W_NS}">'
            f'<w:abstractNum w:abstractNumId="7">{level_xml}</w:abstractNum>{instance_xml}</w:numbering>').encode()


def bomb(paragraphs: int) -> bytes:
    """A small .docx whose body unpacks to the given number of empty paragraphs."""
    body = b"<w:p/>" * paragraphs
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'.encode()
                + body + b"</w:body></w:document>")
    return with_parts(saved(docx.Document()), {"word/document.xml": document})
