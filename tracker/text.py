"""Names as people read them: one line, in the order it was typed; and numbers as Chinese documents write
them."""
from __future__ import annotations

# Bidirectional controls: U+202E makes "报告gpj.exe" display as "报告exe.jpg", and the others reorder
# or hide text the same way. Nobody types them in a name; they are removed.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Control characters (line breaks, tabs…) become spaces: a name is one line, in a header as on a page.
_CLEANED = dict.fromkeys(map(ord, BIDI_CONTROLS), None) | {code: " " for code in (*range(0x20), 0x7f)}


def clean_name(text: str | None) -> str:
    """A name of a file, unit, plan or person, as it is kept and shown."""
    return (text or "").translate(_CLEANED).strip()


def number(value) -> str:
    """1,010 or 84.2; a dash for no value."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def amount(value, unit: str = "") -> str:
    """A target's value with its unit, large ones in 万 or 亿 as Chinese documents write them
    (228.2亿元 and 300万元, not 22,822,863,194元, which no table column holds); a dash for no value."""
    if value is None:
        return "—"
    if not unit.startswith(("万", "亿")):
        for threshold, size, word in ((1e8, 1e8, "亿"), (1e6, 1e4, "万")):
            if abs(value) >= threshold:
                scaled = round(value / size, 1)
                return f"{scaled:,.0f}{word}{unit}" if float(scaled).is_integer() else f"{scaled:,.1f}{word}{unit}"
    return number(value) + unit
