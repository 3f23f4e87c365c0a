"""E-mail addresses (电子邮箱): the one rule of what the system accepts, for accounts and for sending."""
from __future__ import annotations

import re

# Line breaks and other control characters: in a header they would start a header of their own.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_deliverable(address: str) -> bool:
    """An address SMTP takes as it is: plain ASCII, no spaces or line breaks, one @ between two parts.

    Anything else would crash the send or, with a line break, forge a header.
    """
    local, _at, domain = address.partition("@")
    return (address.isascii() and not CONTROL.search(address) and " " not in address
            and address.count("@") == 1 and bool(local) and bool(domain))
