"""`flask plans import FILE`."""

import sqlalchemy as sa

from tracker.plans.models import Plan, PlanStatus
from tests.samples import SEED_PLANS



def test_import_prints_the_drafts_id_and_warnings(runner, db):
    result = runner.invoke(args=["plans", "import", str(SEED_PLANS / "002_b46e6d68e78b0a64.txt")])
    assert result.exit_code == 0, result.output
    plan = db.session.scalar(sa.select(Plan))
    first_line = result.output.splitlines()[0].split("\t")
    assert first_line[0] == str(plan.id) and first_line[1] == plan.title
    assert int(first_line[2]) == len(plan.draft["tasks"])
    assert plan.status == PlanStatus.DRAFT
    assert any(line.startswith("! ") for line in result.output.splitlines())


def test_import_twice_is_refused(runner, db):
    path = str(SEED_PLANS / "003_5af70cd96f267a21.txt")
    assert runner.invoke(args=["plans", "import", path]).exit_code == 0
    again = runner.invoke(args=["plans", "import", path])
    assert again.exit_code != 0 and "已经导入过" in again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 1


def test_import_of_a_bad_file_imports_nothing(runner, db, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(args=["plans", "import", str(empty)])
    assert result.exit_code != 0 and result.output.strip()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 0
