"""What the workflow refuses, in words for the user."""
from __future__ import annotations


class WorkflowError(Exception):
    """A step the rules do not allow now (e.g. returning without a reason); `message` is shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleRecord(Exception):
    """Someone else saved the record since the caller read it: nothing was written.

    The caller rolls back and shows the current record next to what the user typed: `key` holds the
    column values that find it (`select(model).filter_by(**key)`), even when it did not exist when read.
    """

    def __init__(self, model: type, key: dict):
        super().__init__(f"{model.__name__} {key} changed")
        self.model = model
        self.key = key
