"""`flask reports …`: write supervision reports, dispatch sheets and ledgers."""
from __future__ import annotations

import click

reports_cli = click.Group("reports", help="督查通报与台账 / Reports and ledgers.")
