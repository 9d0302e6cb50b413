"""Nothing already saved is lost when a form is rejected; the error sits by its field and what was typed stays."""

import pytest

from core.models import FlowEntry
from dossier.catalogue import catalogue
from dossier.models import Record

from .support import field_block, input_value, login, make_record, valid_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("field", "bad", "message"), [
    ("participants", "abc", "参与人数格式不正确。"),
    ("participants", "0", "参与人数不能小于1。"),
    ("rank", "9", "个人排名不能大于参与人数。"),
    ("awarded_on", "2023-02-30", "授予时间格式不正确。"),
    ("level", "宇宙级", "请从列表中选择奖励级别。"),
    ("project", "", "请填写项目名称。"),
    ("award", "奖" * 101, "获奖名称不能超过100个字。"),
])
def test_an_invalid_edit_keeps_the_stored_record_and_shows_the_error_by_its_field(client, owner, field, bad, message):
    kind = catalogue().kind("project_award")
    record = make_record(owner, "project_award")
    saved = dict(record.data)
    flow = FlowEntry.objects.count()
    login(client, owner)

    typed = {**valid_data(kind, seed="新"), field: bad}
    response = client.post(f"/dossier/r/{record.pk}/edit/", {**typed, "action": "submit"})

    assert response.status_code == 200
    record.refresh_from_db()
    assert record.data == saved and record.status == "draft"
    assert FlowEntry.objects.count() == flow
    html = response.content.decode()
    assert "填写有误，请按红色提示修改。已填写的内容已保留。" in html
    assert message in field_block(html, field)
    for other in ("project", "award", "participants", "awarded_on", "level", "grade"):
        if other != field:
            assert message not in field_block(html, other)
            assert input_value(html, other) == typed[other], other


def test_a_rejected_new_record_is_not_created(client, owner):
    kind = catalogue().kind("project_award")
    login(client, owner)
    response = client.post("/dossier/k/project_award/new/", {**valid_data(kind), "participants": "", "action": "save"})
    assert "请填写参与人数。" in field_block(response.content.decode(), "participants")
    assert input_value(response.content.decode(), "project") == "甲项目名称"
    assert not Record.objects.exists()
