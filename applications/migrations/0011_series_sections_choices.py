"""The series sections' drop-downs (seed 004 §14, §15): text that was typed where the manual has a drop-down is
kept — as the choice when it is one, otherwise as 其他 with the text in the field beside it (`*_other`). A 级别 of
公共卫生机构 becomes 所在医疗卫生机构情况 公共卫生机构 with no 级别 (it is locked there). The one 基层材料 slot's files
go to the first of its four slots. Filing snapshots are left as they were filed."""

from django.db import migrations

CHOICES = {
    "health": {
        "institution": ["医院", "基层医疗卫生机构", "公共卫生机构", "其他"],
        "practice_scope": ["内科专业", "外科专业", "妇产科专业", "儿科专业", "眼耳鼻咽喉科专业", "皮肤病与性病专业", "精神卫生专业",
                           "医学影像和放射治疗专业", "医学检验、病理专业", "全科医学专业", "急救医学专业", "康复医学专业",
                           "预防保健专业", "口腔专业", "公共卫生类别专业", "中医专业", "中西医结合专业", "其他"],
        "specialty": ["内科学", "外科学", "妇产科学", "儿科学", "眼科学", "耳鼻咽喉科学", "口腔医学", "皮肤与性病学", "精神病学",
                      "麻醉学", "急诊医学", "全科医学", "康复医学", "放射医学", "超声医学", "临床医学检验", "病理学", "中医内科学",
                      "中医外科学", "针灸学", "中西医结合", "内科护理", "外科护理", "妇产科护理", "儿科护理", "社区护理", "护理学",
                      "药学", "中药学", "疾病控制", "职业卫生", "环境卫生", "营养与食品卫生", "健康教育", "其他"],
        "language_level": ["职称外语A级合格", "职称外语B级合格", "职称外语C级合格", "大学英语六级", "大学英语四级", "免试", "无",
                           "其他"],
        "community_service": ["已完成（累计满一年）", "已完成（累计满半年）", "正在服务", "未服务", "免于服务", "其他"],
    },
    "teacher": {
        "subject": ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治", "道德与法治", "科学", "信息技术",
                    "通用技术", "音乐", "体育与健康", "美术", "艺术", "心理健康", "综合实践活动", "劳动", "学前教育", "特殊教育",
                    "其他"],
    },
}


def to_choices(section: str, values: dict) -> bool:
    """Rewrite one section's values in place; True when something changed."""
    changed = False
    if section == "health" and values.get("institution_level") == "公共卫生机构":
        if values.get("institution") and values["institution"] not in CHOICES["health"]["institution"]:
            values["institution_other"] = values["institution"]
        values["institution"], values["institution_level"] = "公共卫生机构", None
        changed = True
    for key, choices in CHOICES[section].items():
        text = values.get(key)
        if text in (None, "") or text in choices:
            continue
        values[key], values[f"{key}_other"] = "其他", text
        changed = True
    return changed


def forwards(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    ApplicationFile = apps.get_model("applications", "ApplicationFile")
    for application in Application.objects.filter(series__in=["卫生技术", "中小学教师"]).only("pk", "data").iterator():
        changed = False
        for section in CHOICES:
            values = application.data.get(section, {}).get("values")
            if values:
                changed = to_choices(section, values) or changed
        if changed:
            Application.objects.filter(pk=application.pk).update(data=application.data)
    ApplicationFile.objects.filter(section="health", slot="grassroots").update(slot="grassroots_licence")


class Migration(migrations.Migration):
    dependencies = [("applications", "0010_language_computer_text_qualification_slots")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
