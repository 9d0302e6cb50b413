"""manage.py create_bureau_account: a province's first HR-bureau account on an empty installation, without the
demo: the bureau's unit, one person holding 人社部门 over the region and 系统管理员, a temporary password that
must be changed at the first sign-in; bad input is refused with the reason and creates nothing."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User, person_username
from orgs.models import Unit
from tests.helpers import log_in

pytestmark = pytest.mark.django_db

ARGS = ["--region", "350000", "--bureau-name", "福建省人力资源和社会保障厅", "--credit-code", "12350000000000009D",
        "--name", "张三", "--id-number", "350102197501091212", "--phone", "13800000000"]


def test_the_first_bureau_account_signs_in_and_must_change_its_password(client, captcha_off):
    out = StringIO()

    call_command("create_bureau_account", *ARGS, stdout=out)

    password = re.search(r"临时密码：(\S+?)（", out.getvalue()).group(1)
    person = User.objects.get()
    assert person.id_number == "350102197501091212" and person.username == person_username("350102197501091212")
    assert person.must_change_password and person.is_approved
    assert person.unit.kind == Unit.Kind.BUREAU and person.unit.region.code == "350000"
    assert {(r.role, r.region_id) for r in person.roles.all()} == {(Role.BUREAU_STAFF, "350000"),
                                                                   (Role.SYSTEM_ADMIN, None)}
    response = log_in(client, person.username, password)
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/accounts/password/change/"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("--id-number", "350102197501091213", "身份证号校验位不正确"),
    ("--phone", "1380000", "请输入11位手机号码。"),
    ("--credit-code", "12350000000000009X", "统一社会信用代码"),
])
def test_bad_input_is_refused_with_the_reason_and_creates_nothing(field, value, message):
    args = list(ARGS)
    args[args.index(field) + 1] = value

    with pytest.raises(CommandError, match=message):
        call_command("create_bureau_account", *args, stdout=StringIO())

    assert not User.objects.exists() and not Unit.objects.exists()
