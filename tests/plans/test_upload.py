"""Upload or paste a real plan, review it, publish it; bad files get a clear message and import nothing."""
import io

import pytest
import sqlalchemy as sa

from tracker.plans.models import Plan, PlanStatus
from tracker.tasks.models import Task
from tests.parser.docx_files import bomb
from tests.samples import SEED_PLANS

PLAN_002 = SEED_PLANS / "002_b46e6d68e78b0a64.txt"


def _upload(client, data: bytes, filename: str, follow_redirects=False, **fields):
    return client.post_form("/plans/import", {"file": (io.BytesIO(data), filename), **fields},
                            content_type="multipart/form-data", follow_redirects=follow_redirects)


def _plan_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Plan))


def test_upload_review_and_publish_a_real_plan(office_client, db):
    response = _upload(office_client, PLAN_002.read_bytes(), PLAN_002.name)
    assert response.status_code == 302, response.get_data(as_text=True)
    plan = db.session.scalar(sa.select(Plan))
    assert plan.status == PlanStatus.DRAFT and plan.source_filename == PLAN_002.name
    review = office_client.get(response.location).get_data(as_text=True)
    assert "科技成果转化应用行动" in review and "未匹配的单位" in review
    for name in sorted({n for n in _unknown_names(office_client, plan)}):
        office_client.post_form(f"/plans/{plan.id}/departments",
                                {"name": name, "action": "create", "department_id": 0, "version": _version(db, plan)})
    response = office_client.post_form(f"/plans/{plan.id}/publish", {"version": _version(db, plan)})
    assert response.status_code == 302 and response.location.endswith(f"/plans/{plan.id}")
    tasks = db.session.scalars(sa.select(Task).order_by(Task.position)).all()
    assert len(tasks) == len(plan.draft["tasks"]) >= 10
    assert any(t.lead_department and t.lead_department.name == "市科技局" for t in tasks)
    page = office_client.get(response.location).get_data(as_text=True)
    assert 'data-testid="lead-市科技局"' in page


def _unknown_names(client, plan):
    from tracker.plans.services import match_departments

    return [name for name, match in match_departments(plan).items() if not match.is_matched]


def _version(db, plan) -> str:
    db.session.expire_all()
    return str(db.session.get(Plan, plan.id).version)


def test_pasted_text_is_imported(office_client, db):
    text = PLAN_002.read_text(encoding="utf-8")
    response = office_client.post_form("/plans/import", {"text": text})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Plan)).source_filename is None


def test_the_same_plan_uploaded_again_is_detected(office_client, db):
    first = _upload(office_client, PLAN_002.read_bytes(), PLAN_002.name)
    again = _upload(office_client, PLAN_002.read_bytes(), "copy.txt")
    assert again.status_code == 302 and again.location == first.location
    assert "已经导入过" in office_client.get(again.location).get_data(as_text=True)
    assert _plan_count(db) == 1


def test_a_new_copy_under_the_same_title_needs_confirmation(office_client, db):
    _upload(office_client, PLAN_002.read_bytes(), PLAN_002.name)
    edited = PLAN_002.read_bytes() + "\n(修订稿)".encode()
    response = _upload(office_client, edited, PLAN_002.name)
    assert response.status_code == 400 and "仍然导入" in response.get_data(as_text=True)
    assert _plan_count(db) == 1
    assert _upload(office_client, edited, PLAN_002.name, allow_same_title="y").status_code == 302
    assert _plan_count(db) == 2


@pytest.mark.parametrize("data, filename, message", [
    (b"", "empty.txt", "文件是空的"),
    (b"   \n\n  ", "blank.txt", "文件是空的"),
    (bytes(range(256)) * 64, "binary.txt", "不是文字"),
    (b"\x89PNG\r\n\x1a\n" + bytes(2000), "picture.txt", "不是文字"),
    (b"PK\x03\x04 not really a zip", "broken.docx", "无法打开这个 Word(.docx) 文件"),
    (b"\x81\x20\xfe\xff\x80\x80" * 200, "garbled.txt", "无法识别文件的文字编码"),
    ("实施方案".encode() * 10, "plan.pdf", "无法打开这个 PDF 文件"),
    ("实施方案".encode() * 10, "plan.doc", "另存为 .docx"),
    ("实施方案".encode() * 10, "plan.rtf", "只能上传 Word(.docx)、PDF"),
    (bomb(1_000_000), "bomb.docx", "压缩比异常"),
])
def test_bad_files_get_a_clear_message_and_import_nothing(office_client, db, data, filename, message):
    response = _upload(office_client, data, filename)
    assert response.status_code == 400
    error = response.get_data(as_text=True).split('<div class="error" role="alert">')[1].split("</div>")[0]
    assert message in error
    assert _plan_count(db) == 0


def test_a_docx_of_a_million_paragraphs_is_refused_with_a_message_and_creates_no_plan(office_client, db, monkeypatch):
    """Issue 20, finding 8: a 45 KB .docx unpacking to 6 MB of XML and a million paragraphs. Here the
    ratio check is lifted so that the paragraph count, read as the body streams in, must stop it."""
    from tracker.plans.parser import reading

    monkeypatch.setattr(reading, "LIMITS", reading.Limits(max_ratio=10**9))
    response = _upload(office_client, bomb(1_000_000), "bomb.docx")
    assert response.status_code == 400
    assert f"超过 {reading.LIMITS.max_paragraphs:,} 个" in response.get_data(as_text=True)
    assert _plan_count(db) == 0


def test_a_50_mb_upload_is_refused_before_it_is_read(office_client, db):
    # follow_redirects makes the test client close the temporary file it spooled the body to.
    with _upload(office_client, b"a" * (50 * 1024 * 1024), "huge.txt", follow_redirects=True) as response:
        assert response.status_code == 413
        assert "上传的内容过大" in response.get_data(as_text=True)
    assert _plan_count(db) == 0


def test_neither_file_nor_text_is_asked_for(office_client, db):
    response = office_client.post_form("/plans/import", {"text": "  "})
    assert response.status_code == 400 and "二选一" in response.get_data(as_text=True)
    assert _plan_count(db) == 0


def test_a_liaison_cannot_upload(make, login_as, db):
    client = login_as(make.liaison(make.department()))
    assert _upload(client, PLAN_002.read_bytes(), PLAN_002.name).status_code == 403
    assert _plan_count(db) == 0


def test_the_upload_form_accepts_every_format_the_readers_read(office_client):
    from tracker.plans.forms import PLAN_EXTENSIONS
    from tracker.plans.parser.reading import ACCEPTED_SUFFIXES

    assert sorted(PLAN_EXTENSIONS) == ACCEPTED_SUFFIXES
    page = office_client.get("/plans/import").get_data(as_text=True)
    assert 'accept=".csv,.docx,.htm,.html,.pdf,.shtml,.text,.txt,.xls,.xlsx"' in page


@pytest.mark.parametrize("filename, data", [
    ("分工表.csv", "序号,重点任务,牵头单位\n1,建设中试基地,市科技局\n2,培育高新技术企业,市财政局\n".encode("gb18030")),
    ("方案.html", "<meta charset='gbk'><p>（一）建设中试基地。（责任单位：市科技局）</p><p>（二）培育高新技术企业。（责任单位：市财政局）</p>"
     .encode("gbk")),
])
def test_a_table_or_a_web_page_is_imported_as_a_draft(office_client, db, filename, data):
    response = _upload(office_client, data, filename)
    assert response.status_code == 302
    plan = db.session.scalar(sa.select(Plan))
    assert [(task["title"], task["lead"]) for task in plan.draft["tasks"]] == [("建设中试基地", "市科技局"),
                                                                               ("培育高新技术企业", "市财政局")]
