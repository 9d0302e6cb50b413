"""Load the demo: regions, an HR bureau, competent departments, three units, admins and applicants.

Idempotent: running it again changes nothing and prints the same accounts.
"""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.backends import login_name
from accounts.models import Role, User, person_username
from accounts.roles import role_grant
from orgs.models import Announcement, PostQuota, Region, Unit
from orgs.services import regions_load
from zhicheng.demo.applications import health_plan, seed_nurse_application, seed_plans
from zhicheng.demo.dossiers import seed_dossiers, seed_health, seed_hospital_queue
from zhicheng.demo.experts import seed_experts
from zhicheng.demo.ids import make_credit_code, make_id_number
from zhicheng.demo.results import SITE, public_urls, seed_certified, seed_listed
from zhicheng.demo.second_factor import demo_totp_enrol, demo_totp_secret

DEMO_PASSWORD = "Demo2026"  # noqa: S105 - published in README; seed_demo refuses to run without DEBUG

UNITS = [
    # key, kind, name, nature, region, serial, department key
    ("bureau", Unit.Kind.BUREAU, "福建省人力资源和社会保障厅", Unit.Nature.GOVERNMENT, "350000", "000000001", None),
    ("health_dept", Unit.Kind.DEPARTMENT, "福州市卫生健康委员会", Unit.Nature.GOVERNMENT, "350100", "000000002", None),
    ("edu_dept", Unit.Kind.DEPARTMENT, "福州市教育局", Unit.Nature.GOVERNMENT, "350100", "000000003", None),
    ("hospital", Unit.Kind.UNIT, "福州市第一医院", Unit.Nature.PUBLIC_INSTITUTION, "350102", "MB0100001", "health_dept"),
    ("school", Unit.Kind.UNIT, "福州第三中学", Unit.Nature.PUBLIC_INSTITUTION, "350102", "MB0100002", "edu_dept"),
    ("enterprise", Unit.Kind.UNIT, "福建闽江工程科技有限公司", Unit.Nature.ENTERPRISE, "350104", "MA0100003", None),
]

PEOPLE = [
    # key, name, unit key, birth, gender, phone, registration, roles [(role, scope)]
    ("nurse", "陈静", "hospital", datetime.date(1990, 5, 12), "F", "13800000001", "approved", []),
    ("teacher", "王磊", "school", datetime.date(1986, 9, 3), "M", "13800000002", "approved", []),
    ("engineer", "张伟", "enterprise", datetime.date(1984, 2, 20), "M", "13800000003", "approved", []),
    ("doctor", "刘洋", "hospital", datetime.date(1992, 11, 8), "M", "13800000004", "pending", []),
    ("hospital_admin", "林芳", "hospital", datetime.date(1980, 3, 15), "F", "13800000005", "approved",
     [(Role.UNIT_ADMIN, "hospital")]),
    ("dept_reviewer", "黄敏", "health_dept", datetime.date(1978, 7, 1), "F", "13800000006", "approved",
     [(Role.DEPARTMENT_REVIEWER, "health_dept")]),
    ("bureau_staff", "郑强", "bureau", datetime.date(1975, 1, 9), "M", "13800000007", "approved",
     [(Role.BUREAU_STAFF, "region:350000")]),
    ("committee_staff", "吴昊", "bureau", datetime.date(1979, 4, 21), "M", "13800000008", "approved",
     [(Role.COMMITTEE_STAFF, "bureau")]),
    ("expert", "周红", "hospital", datetime.date(1970, 6, 30), "F", "13800000009", "approved",
     [(Role.EXPERT, "bureau")]),
    ("certified_nurse", "林晓燕", "hospital", datetime.date(1986, 3, 8), "F", "13800000010", "approved", []),
    ("listed_nurse", "何静怡", "hospital", datetime.date(1988, 10, 21), "F", "13800000011", "approved", []),
]

SERIES = {"teacher": "中小学教师", "engineer": "工程技术"}

LABELS = {
    "nurse": "申报人（护士）", "teacher": "申报人（中学教师）", "engineer": "申报人（工程师）",
    "doctor": "待审核注册的医生", "hospital_admin": "医院单位管理员（个人账号）", "dept_reviewer": "主管部门审核人",
    "bureau_staff": "人社部门工作人员", "committee_staff": "评委会工作人员", "expert": "评审专家",
    "certified_nurse": "已确认发证的申报人（护士）", "listed_nurse": "正在结果公示的申报人（护士）",
}


class Command(BaseCommand):
    help = "Load the idempotent demo data set and print every demo account."

    accounts: list[tuple[str, str]] = []  # (label, username) of every account printed, filled by handle()

    def handle(self, *args, **options):
        # The demo's accounts share one published password and include a system admin: never in production.
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run when DEBUG is off: the demo accounts' password (Demo2026) is public."
            )
        self._seed()

    @transaction.atomic
    def _seed(self):
        regions_load()
        units = {}
        for key, kind, name, nature, region, serial, dept in UNITS:
            units[key], _ = Unit.objects.get_or_create(
                name=name,
                defaults=dict(
                    kind=kind, nature=nature, region=Region.objects.get(code=region),
                    credit_code=make_credit_code(region, serial), department=units.get(dept),
                    legal_rep_name="示例", legal_rep_phone="0591-88880000", address="福州市鼓楼区示例路1号",
                    contact_name="示例联系人", contact_phone="13900000000", email="demo@example.cn",
                ),
            )
        rows = []
        people = {}
        unit_accounts = {}
        admin, created = User.objects.get_or_create(
            username="admin", defaults=dict(name="系统管理员", kind=User.Kind.UNIT, registration="approved",
                                             is_staff=True, is_superuser=True),
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        role_grant(user=admin, role=Role.SYSTEM_ADMIN)
        rows.append(("系统管理员", "admin"))
        for key in ("hospital", "school", "enterprise"):
            unit = units[key]
            account, created = User.objects.get_or_create(
                username=unit.credit_code,
                defaults=dict(name=unit.name, kind=User.Kind.UNIT, unit=unit, registration="approved"),
            )
            if created:
                account.set_password(DEMO_PASSWORD)
                account.save()
            role_grant(user=account, role=Role.UNIT_ADMIN, unit=unit)
            unit_accounts[unit.pk] = account
            rows.append((f"单位账号：{unit.name}", unit.credit_code))
        for seq, (key, name, unit_key, birth, gender, phone, registration, roles) in enumerate(PEOPLE, start=1):
            unit = units[unit_key]
            id_number = make_id_number(unit.region.code if unit.region.level == 3 else "350102", birth, seq, gender)
            person, created = User.objects.get_or_create(
                username=person_username(id_number),
                defaults=dict(
                    name=name, kind=User.Kind.PERSON, id_number=id_number, gender=gender, birth_date=birth,
                    phone=phone, email=f"{key}@example.cn", unit=unit, registration=registration,
                    political_status="群众", series=SERIES.get(key, "卫生技术" if unit_key == "hospital" else ""),
                ),
            )
            if created:
                person.set_password(DEMO_PASSWORD)
                person.save()
            for role, scope in roles:
                if scope.startswith("region:"):
                    role_grant(user=person, role=role, region=Region.objects.get(code=scope.split(":")[1]))
                else:
                    role_grant(user=person, role=role, unit=units[scope])
            people[key] = person
            rows.append((f"{LABELS[key]}：{name}（{unit.name}）", id_number))
        made = seed_dossiers(people, unit_accounts)
        made += seed_hospital_queue(units["hospital"], unit_accounts[units["hospital"].pk])
        hospital_account = unit_accounts[units["hospital"].pk]
        for key in ("nurse", "certified_nurse", "listed_nurse"):
            made += seed_health(people[key], hospital_account)
        self._news_and_quota(units)
        seed_plans(units["bureau"])
        if seed_nurse_application(people["nurse"]):
            self.stdout.write("demo application: 陈静's 卫生技术 application is filled in, ready for her to submit")
        if made:
            self.stdout.write(f"demo dossier records: {made}")
        rows += seed_experts(people)  # the 卫生技术 committee's expert pool and a drawn 护理学 panel
        # The end of the process: a confirmed result with its certificate, a live list with a decided objection.
        staff = {"unit": hospital_account, "department": people["dept_reviewer"], "bureau": people["bureau_staff"],
                 "committee": people["committee_staff"]}
        plan = health_plan()
        if seed_certified(people["certified_nurse"], plan, staff):
            self.stdout.write("demo result: 林晓燕's result was publicised and confirmed (certificate issued)")
        if seed_listed(people["listed_nurse"], plan, staff):
            self.stdout.write("demo publicity: 何静怡's result is on a live list, one objection not accepted")
        self.accounts = rows
        accounts = {user.username: user for user in User.objects.filter(username__in=[login_name(u) for _, u in rows])}
        staff = {name for _, name in rows if (user := accounts.get(login_name(name))) and demo_totp_enrol(user)}
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}；标 * 的管理与评审账号登录后须二次验证）：")
        for label, username in rows:
            self.stdout.write(f"  {username:<20} {'*' if username in staff else ' '} {label}")
        self.stdout.write(
            "二次验证码：python manage.py demo_otp_code 账号（打印当前6位验证码），"
            "或在身份验证器中添加下列密钥（基于时间，30秒）：")
        for _, username in rows:
            if username in staff:
                self.stdout.write(f"  {username:<20} {demo_totp_secret(username)}")
        self.stdout.write("短信验证码与通知（演示环境不发真实短信）：http://127.0.0.1:8000/dev/sms/")
        for label, path in public_urls(people["certified_nurse"], plan):
            self.stdout.write(f"{label}：{SITE}{path}")
        self.stdout.write("")

    def _news_and_quota(self, units):
        news = [
            ("关于做好2026年度职称评审工作的通知", "各有关单位：2026年度职称评审工作即将启动，请各单位及时审核本单位专业技术人员的个人业绩库，"
             "确保申报材料真实、准确、完整。"),
            ("卫生系列高级职称评审条件解读", "本次评审继续实行病案、专题报告等行业专用业绩材料网上提交，请申报人提前录入。"),
            ("个人业绩库撤回功能使用说明", "审核通过且未被职称申报引用的业绩可申请撤回，单位同意后可修改并重新提交。"),
        ]
        for title, body in news:
            Announcement.objects.get_or_create(title=title, defaults={"body": body, "publisher": units["bureau"]})
        year = datetime.date.today().year
        quota, created = PostQuota.objects.get_or_create(
            unit=units["hospital"], year=year,
            defaults={"senior": 2, "associate": 5, "intermediate": None, "junior": None},
        )
        if created:
            quota.attachment.save("demo-quota", ContentFile(b"%PDF-1.4 demo quota"), save=False)
            quota.attachment_name = f"{year}年度岗位核准表.pdf"
            quota.confirmed_at = quota.created_at
            quota.save()
