"""申报专业技术资格名称 and 现资格名称 become drop-downs by series and level (seed 004 §2, §4): text typed before is
kept — as the choice when it is exactly one of its series and level's names, otherwise as 其他 with the text in
`title_name_other`. The names are the base sections.toml's of this change, frozen here. Filing snapshots are left
as they were filed (their free text reads as before)."""

from django.db import migrations

NAMES = {
    "卫生技术": {"初级": ["医士", "医师", "护士", "护师", "药士", "药师", "技士", "技师"],
             "中级": ["主治医师", "主管护师", "主管药师", "主管技师"],
             "副高": ["副主任医师", "副主任护师", "副主任药师", "副主任技师"],
             "正高": ["主任医师", "主任护师", "主任药师", "主任技师"]},
    "中小学教师": {"初级": ["三级教师", "二级教师"], "中级": ["一级教师"], "副高": ["高级教师"], "正高": ["正高级教师"]},
    "会计": {"初级": ["助理会计师"], "中级": ["会计师"], "副高": ["高级会计师"], "正高": ["正高级会计师"]},
    "工程技术": {"初级": ["技术员", "助理工程师"], "中级": ["工程师"], "副高": ["高级工程师"], "正高": ["正高级工程师"]},
    "经济": {"初级": ["助理经济师"], "中级": ["经济师"], "副高": ["高级经济师"], "正高": ["正高级经济师"]},
    "其他": {"初级": ["员级", "助理级"], "中级": ["中级"], "副高": ["副高级"], "正高": ["正高级"]},
}
OTHER = "其他"


def to_choice(values: dict, series, level) -> bool:
    """Rewrite one section's title_name in place; True when something changed."""
    text = values.get("title_name")
    if text in (None, "", OTHER) or text in NAMES.get(series, {}).get(level, []):
        return False
    values["title_name"], values["title_name_other"] = OTHER, text
    return True


def forwards(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    for application in Application.objects.only("pk", "series", "level", "data").iterator():
        data = application.data or {}
        changed = False
        basic = (data.get("basic") or {}).get("values")
        if basic:
            changed = to_choice(basic, application.series, application.level) or changed
        qualification = (data.get("qualification") or {}).get("values")
        if qualification:
            changed = to_choice(qualification, qualification.get("title_series"),
                                qualification.get("title_level")) or changed
        if changed:
            Application.objects.filter(pk=application.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("applications", "0014_plan_publicity_required")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
