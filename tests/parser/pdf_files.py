"""PDFs made in the tests from invented HTML through WeasyPrint, with the CJK fonts bin/setup installs."""
from __future__ import annotations

import weasyprint

PAGE_CSS = """
@page { size: A4; margin: 2.5cm 2cm;
        @top-center { content: "某市人民政府办公室文件"; font-size: 9pt; }
        @bottom-center { content: "— " counter(page) " —"; font-size: 9pt; } }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 12pt; line-height: 1.6; }
h1 { text-align: center; font-size: 20pt; margin: 0 3cm 1em; }
p { text-indent: 2em; margin: 0; text-align: justify; }
p.number { text-align: center; text-indent: 0; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
td, th { border: 1px solid black; padding: 3pt; font-size: 10.5pt; }
"""


def pdf(body: str, css: str = "") -> bytes:
    html = f"<html><head><meta charset='utf-8'><style>{PAGE_CSS}{css}</style></head><body>{body}</body></html>"
    return weasyprint.HTML(string=html).write_pdf()
