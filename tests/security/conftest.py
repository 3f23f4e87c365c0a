"""The hardening probe kept as a suite: what an attacker tried (issue 20), each attempt a test.

They use the tasks tests' item (a plan, a March period, a task led by 市科技局 with 市财政局 co-responsible,
and the people who act on it) and the API tests' bearer tokens.
"""
from tests.api.conftest import bearer  # noqa: F401  (shared fixtures)
from tests.tasks.conftest import item  # noqa: F401
