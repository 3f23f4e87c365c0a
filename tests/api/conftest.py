"""The API tests use the tasks tests' item, and tokens for its people."""
import pytest

from tests.tasks.conftest import item  # noqa: F401  (the shared fixture)
from tracker.auth.services import issue_token


@pytest.fixture
def bearer(db):
    """`bearer(user)` gives request headers carrying a fresh token of that user."""

    def _bearer(user) -> dict:
        token = issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return _bearer
