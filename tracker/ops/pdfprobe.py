"""`python -m tracker.ops.pdfprobe`: render a one-line Chinese PDF as the reports do; print its fonts as JSON.

`flask doctor` runs it in a child process, so that WeasyPrint's libraries failing to load (or crashing)
is reported instead of ending the doctor. Prints {"fonts": [...]} or {"error": "..."}.
"""
from __future__ import annotations

import json
import re
import sys

PROBE_HTML = '<p style="font-family: \'Noto Sans CJK SC\', \'Noto Sans SC\', sans-serif">督查通报</p>'


def probe() -> dict:
    try:
        import weasyprint

        pdf = weasyprint.HTML(string=PROBE_HTML).write_pdf(uncompressed_pdf=True)
    except Exception as error:  # noqa: BLE001 — any failure to load or render is the finding
        return {"error": f"{type(error).__name__}: {error}"}
    names = re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", pdf)
    return {"fonts": sorted({name.decode("latin-1").split("+", 1)[-1] for name in names})}


if __name__ == "__main__":
    print(json.dumps(probe()))
    sys.exit(0)
