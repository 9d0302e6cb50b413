"""Demo committees and open plans (used by `manage.py seed_demo`)."""

import datetime

from django.utils import timezone

from .models import Committee, Plan

PLANS = [
    # committee name, series, levels, plan name suffix, extra
    ("福建省卫生技术高级职称评审委员会", "卫生技术", ["副高", "正高"], "卫生技术高级职称评审",
     {"health_requires": ["health_topic"]}),
    ("福州市中小学教师职称评审委员会", "中小学教师", ["中级", "副高"], "中小学教师职称评审", {}),
    ("福建省工程技术职称评审委员会", "工程技术", ["中级", "副高", "正高"], "工程技术职称评审", {}),
    ("福建省会计专业职称评审委员会", "会计", ["副高", "正高"], "会计系列高级职称评审", {}),
]


def seed_plans(bureau) -> int:
    today = timezone.localdate()
    made = 0
    for committee_name, series, levels, suffix, extra in PLANS:
        committee, _ = Committee.objects.get_or_create(
            name=committee_name, defaults={"series": series, "levels": levels, "bureau": bureau})
        _, created = Plan.objects.get_or_create(
            committee=committee, year=today.year,
            defaults=dict(
                name=f"{today.year}年度{suffix}", levels=levels, series=[series],
                opens_on=today - datetime.timedelta(days=30), closes_on=today + datetime.timedelta(days=90),
                forms=["常规申报", "破格申报"], chain=["unit", "department", "bureau", "committee"],
                min_years={"中级": 4, "副高": 5, "正高": 5}, appraisal_grades=["优秀", "合格"], **extra,
            ),
        )
        made += created
    return made
