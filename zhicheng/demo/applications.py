"""Demo committees and open plans (used by `manage.py seed_demo`)."""

import datetime

from django.utils import timezone

from applications import services
from applications.models import Application, Committee, Plan
from applications.sections import sections
from core.uploads import FileRules, check_upload
from dossier.forms import spec_form_class
from dossier.models import Record
from dossier.models import Status as RecordStatus

from .dossiers import scan

# The photos a section's slots take (证件照, 身份证, 执业证书): small JPEGs.
PHOTO = FileRules(types=("jpg", "jpeg"), max_mb=0.48, max_count=1)

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


# ---------------------------------------------------------------- the demo nurse's application, ready to file

NURSE_BASIC = {
    "ethnicity": "汉族", "political": "群众", "current_specialty": "内科护理", "admin_post": "", "admin_level": "无",
    "work_start": "2012-08-01", "qualification_specialty": "内科护理", "title_name": "副主任护师",
    "language": "英语综合B合格", "computer": "三个模块合格",
}
NURSE_QUALIFICATION = {
    "title_series": "卫生技术", "title_specialty": "内科护理", "title_level": "中级", "title_name": "主管护师",
    "title_obtained": "2019-12-20", "post_series": "卫生技术", "post_level": "中级", "post_name": "主管护师",
    "appointed_on": "2019-12-31",
}
NURSE_WORK = {
    "before": "2012年8月至2019年12月在福州市第一医院内科病区从事临床护理工作，参与危重患者抢救与护理二百余例，承担实习护士带教。",
    "after": "取得主管护师资格后任内科重症监护病房护理组长，牵头开展压力性损伤预防循证护理项目，病区压力性损伤发生率下降40%。",
}
NURSE_HEALTH = {
    "institution": "医院", "institution_level": "三级甲等", "institution_nature": "公立医疗机构",
    "qualification": "副主任护师", "specialty": "内科护理", "language_level": "职称外语B级合格",
    "review_title": "ICU压力性损伤预防策略的研究进展", "review_published_on": "2025-04-01", "review_journal": "护理学杂志",
    "results_provincial": "福建省护理学会优秀论文二等奖", "transfer": "否", "exceptional": "否", "support": "无",
    "community_service": "已完成（累计满半年）",
}


def _clean(section, values: dict, *, partial: bool = False) -> dict:
    """Values as the section's generated form saves them (the same path as the pages)."""
    form = spec_form_class(section.fields, f"section_{section.key}")(data=values, partial=partial)
    if not form.is_valid():
        raise ValueError(f"demo {section.key}: {form.errors.as_text()}")
    return form.record_data()


def _jpeg(title: str):
    return check_upload(scan(title), PHOTO)


def seed_nurse_application(nurse) -> bool:
    """The demo nurse's 卫生技术 application, every section filled (picked from her dossier where it holds the
    record, typed otherwise) and the pre-check green, left 填报中 so that she files it herself (提交) and the
    review chain can be walked in the browser. Returns whether it was made."""
    plan = health_plan()
    if plan is None or Application.objects.filter(applicant=nurse, plan=plan).exists():
        return False
    nurse_application(nurse, plan)
    return True


def health_plan():
    """This year's demo 卫生技术 plan."""
    return Plan.objects.filter(series=["卫生技术"], year=timezone.localdate().year).order_by("pk").first()


def nurse_application(nurse, plan, *, paper_title: str = "ICU患者压力性损伤预防的循证护理实践") -> Application:
    """A 副高 nurse's application of `plan`, every section filled and the pre-check green, still 填报中."""
    spec = sections()
    application = services.application_start(actor=nurse, plan=plan, series="卫生技术", level="副高")
    basic = spec.get("basic")
    services.section_save(actor=nurse, application=application, section=basic,
                          values=_clean(basic, NURSE_BASIC, partial=True),
                          slot_files={"photo": [_jpeg("证件照")], "id_card": [_jpeg("身份证")]})
    education = Record.objects.filter(owner=nurse, kind="education", status=RecordStatus.APPROVED)
    services.rows_pick(actor=nurse, application=application, section=spec.get("education"),
                       record_ids=list(education.values_list("pk", flat=True)))
    # 有效学历: the last of the education rows just picked, as the 卫生技术 section offers it.
    health = spec.get("health")
    offered = spec.row_choices(health.field("effective_education"), Application.objects.get(pk=application.pk).data)
    nurse_health = {**NURSE_HEALTH, "effective_education": offered[-1] if offered else ""}
    for key, values in (("qualification", NURSE_QUALIFICATION), ("work_history", NURSE_WORK),
                        ("achievements", {"summary": "牵头压力性损伤预防循证护理项目，获院级护理质量改进一等奖；"
                                                     "发表核心期刊论文一篇；带教实习护士六十余名。"}),
                        ("health", nurse_health)):
        section = spec.get(key)
        files = {"nurse_licence": [_jpeg("护士执业证书")]} if key == "health" else None
        services.section_save(actor=nurse, application=application, section=section,
                              values=_clean(section, values, partial=True), slot_files=files)
    year = timezone.localdate().year
    ce, appraisals = spec.get("continuing_education"), spec.get("appraisals")
    for offset in range(1, 6):
        services.row_add(actor=nurse, application=application, section=ce, values=_clean(ce, {
            "year": str(year - offset), "content": "护理专业课程与公需课", "hours": "120"}))
        services.row_add(actor=nurse, application=application, section=appraisals, values=_clean(appraisals, {
            "year": str(year - offset), "result": "优秀" if offset % 2 else "合格"}))
    papers = spec.get("papers")
    services.row_add(actor=nurse, application=application, section=papers, values=_clean(papers, {
        "title": paper_title, "journal": "中华护理杂志", "issn": "ISSN 0254-1769",
        "published_on": "2024-06-15", "rank": "1", "words": "6000"}))
    return application
