"""The demo expert pool of the 卫生技术 committee (used by `manage.py seed_demo`, docs/experts.md): 15 experts across
units — 周红 at 陈静's hospital, 郭建华 whose employer-verified 工作经历 overlaps hers, 何丽 who co-wrote her paper —
and a panel of the 护理学 group drawn for this year's plan, with a recorded seed."""

import datetime

from django.utils import timezone

from accounts.models import Role, User, person_username
from accounts.roles import role_grant
from applications.models import Committee, Plan
from core.uploads import check_upload
from dossier import services as records
from dossier.catalogue import catalogue
from dossier.models import Record
from experts import services
from experts.models import Draw, Expert
from orgs.models import Region, Unit
from review.services import record_decide

from .dossiers import scan
from .ids import make_credit_code, make_id_number

COMMITTEE = "福建省卫生技术高级职称评审委员会"
GROUP = "护理学"
PASSWORD = "Demo2026"  # noqa: S105 - the demo's published password (seed_demo.DEMO_PASSWORD)
DEMO_SEED = 20260707  # the demo draw's seed: anyone repeats it with experts.draws.repeat

UNITS = [
    # name, region, serial
    ("福建省立医院", "350102", "MB0100011"),
    ("福建医科大学附属协和医院", "350102", "MB0100012"),
    ("福州市第二医院", "350103", "MB0100013"),
    ("福建医科大学附属第一医院", "350104", "MB0100014"),
    ("福州市妇幼保健院", "350102", "MB0100015"),
]

EXPERTS = [
    # name, unit (None: 陈静's hospital), specialty, level, birth, gender
    ("郭建华", "福建省立医院", GROUP, "正高", datetime.date(1968, 4, 2), "M"),
    ("何丽", "福建医科大学附属协和医院", GROUP, "正高", datetime.date(1972, 8, 19), "F"),
    ("马晓燕", "福建省立医院", GROUP, "副高", datetime.date(1975, 1, 23), "F"),
    ("林秀英", "福建医科大学附属协和医院", GROUP, "正高", datetime.date(1966, 11, 5), "F"),
    ("吴美玲", "福州市第二医院", GROUP, "副高", datetime.date(1977, 3, 14), "F"),
    ("郑慧", "福州市第二医院", GROUP, "正高", datetime.date(1969, 9, 9), "F"),
    ("陈雅琴", "福建医科大学附属第一医院", GROUP, "正高", datetime.date(1971, 6, 28), "F"),
    ("黄丽娟", "福建医科大学附属第一医院", GROUP, "副高", datetime.date(1976, 12, 1), "F"),
    ("张素芳", "福州市妇幼保健院", GROUP, "正高", datetime.date(1967, 2, 17), "F"),
    ("蔡文静", "福州市妇幼保健院", GROUP, "副高", datetime.date(1978, 5, 30), "F"),
    ("罗志强", "福建省立医院", "内科学", "正高", datetime.date(1965, 10, 10), "M"),
    ("许国平", "福州市第二医院", "内科学", "正高", datetime.date(1970, 7, 7), "M"),
    ("叶俊", "福建医科大学附属第一医院", "外科学", "正高", datetime.date(1973, 4, 4), "M"),
    ("方红梅", "福建医科大学附属协和医院", GROUP, "副高", datetime.date(1979, 8, 8), "F"),
]

# The verified history that makes the recusal grounds visible on 陈静's application.
HISTORY = {
    "郭建华": ("work_experience", {"employer": "福州市第一医院", "start_date": "2006-03-01", "end_date": "2016-06-30",
                                  "specialty": "护理学", "position": "护士长", "duties": "内科病区护理管理"}),
    "何丽": ("paper", {"title": "ICU患者压力性损伤预防的循证护理实践", "published_on": "2024-06-15",
                       "journal": "中华护理杂志", "journal_level": "核心期刊", "index": ["北大核心"],
                       "corresponding": True, "representative": False, "participants": 3, "rank": 2}),
}


def _unit(name, region, serial) -> tuple[Unit, User]:
    unit, _ = Unit.objects.get_or_create(name=name, defaults=dict(
        kind=Unit.Kind.UNIT, nature=Unit.Nature.PUBLIC_INSTITUTION, region=Region.objects.get(code=region),
        credit_code=make_credit_code(region, serial), legal_rep_name="示例", legal_rep_phone="0591-88880000",
        address="福州市示例路1号", contact_name="示例联系人", contact_phone="13900000000", email="demo@example.cn"))
    account, created = User.objects.get_or_create(username=unit.credit_code, defaults=dict(
        name=unit.name, kind=User.Kind.UNIT, unit=unit, registration="approved"))
    if created:
        account.set_password(PASSWORD)
        account.save()
    role_grant(user=account, role=Role.UNIT_ADMIN, unit=unit)
    return unit, account


def _approved_record(person, admin, kind_key, data) -> None:
    if Record.objects.filter(owner=person, kind=kind_key).exists():
        return
    kind = catalogue().kind(kind_key)
    record = records.record_create(owner=person, kind=kind, data=data,
                                   files=[check_upload(scan(kind.label), kind.evidence)])
    record = records.record_submit(actor=person, record=record)
    record_decide(actor=admin, record=record, decision="approve", opinion="材料齐全，同意。")


def seed_experts(people: dict) -> list[tuple[str, str]]:
    """The pool and its panel, once. Returns the experts' accounts (label, username) for the printed list."""
    committee = Committee.objects.filter(name=COMMITTEE).first()
    plan = Plan.objects.filter(committee=committee, year=timezone.localdate().year).first() if committee else None
    office = people.get("committee_staff")
    if plan is None or office is None:
        return []
    today = timezone.localdate()
    term = {"series": committee.series, "term_start": datetime.date(today.year, 1, 1),
            "term_end": datetime.date(today.year + 2, 12, 31)}
    accounts = []
    if not Expert.objects.filter(committee=committee, person=people["expert"]).exists():
        services.expert_add(actor=office, committee=committee,
                            data={**term, "person": people["expert"], "specialty": GROUP, "level": "正高"})
    new_units = {name: _unit(name, region, serial) for name, region, serial in UNITS}
    for seq, (name, unit_name, specialty, level, birth, gender) in enumerate(EXPERTS, start=60):
        unit, admin = new_units[unit_name]
        id_number = make_id_number(unit.region.code, birth, seq, gender)
        person, created = User.objects.get_or_create(username=person_username(id_number), defaults=dict(
            name=name, kind=User.Kind.PERSON, id_number=id_number, gender=gender, birth_date=birth,
            email=f"expert{seq}@example.cn", unit=unit, registration="approved", political_status="群众",
            series="卫生技术"))
        if created:
            person.set_password(PASSWORD)
            person.save()
        if name in HISTORY:
            _approved_record(person, admin, *HISTORY[name])
        if not Expert.objects.filter(committee=committee, person=person).exists():
            services.expert_add(actor=office, committee=committee,
                                data={**term, "person": person, "specialty": specialty, "level": level})
        accounts.append((f"评审专家：{name}（{unit_name}，{specialty}）", person.sign_in_name))
    if not Draw.objects.filter(plan=plan, group=GROUP).exists():
        services.draw_make(actor=office, plan_id=plan.pk, group=GROUP, size=9, reserves=2,
                           meeting_on=today + datetime.timedelta(days=14), seed=DEMO_SEED)
    return accounts
