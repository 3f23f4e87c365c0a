"""The one error a reader raises: the file cannot be read as a plan, and the message says why."""
from __future__ import annotations


class PlanFileError(ValueError):
    """An upload that cannot be read as a plan; `message` tells the user why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
