"""Names as people read them: one line, in the order it was typed."""
from __future__ import annotations

# Bidirectional controls: U+202E makes "报告gpj.exe" display as "报告exe.jpg", and the others reorder
# or hide text the same way. Nobody types them in a name; they are removed.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Control characters (line breaks, tabs…) become spaces: a name is one line, in a header as on a page.
_CLEANED = dict.fromkeys(map(ord, BIDI_CONTROLS), None) | {code: " " for code in (*range(0x20), 0x7f)}


def clean_name(text: str | None) -> str:
    """A name of a file, unit, plan or person, as it is kept and shown."""
    return (text or "").translate(_CLEANED).strip()
