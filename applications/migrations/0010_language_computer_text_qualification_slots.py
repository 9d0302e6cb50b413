"""外语情况 and 计算机情况 become free text (seed 004 §2): the old choices (外语 + 外语成绩, 计算机) are written as the
manual words them ("英语B级合格", "免试", "无"); 资历信息's one 资格证书及聘书 slot becomes 职称证书 (its files move
there) beside a new 聘任文件（聘书） slot. Filing snapshots are left as they were filed."""

from django.db import migrations

COMPUTER = {"合格": "合格", "免试": "免试", "未参加": "无"}


def language_text(language, grade):
    if language in (None, ""):
        return language
    if language == "免试" or grade == "免试":
        return "免试"
    if grade == "未参加":
        return "无"
    subject = "其他语种" if language == "其他" else language
    return f"{subject}{grade or ''}合格"


def forwards(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    ApplicationFile = apps.get_model("applications", "ApplicationFile")
    for application in Application.objects.exclude(data={}).only("pk", "data").iterator():
        basic = application.data.get("basic", {}).get("values")
        if not basic or ("language_grade" not in basic and basic.get("computer") not in COMPUTER):
            continue
        grade = basic.pop("language_grade", None)
        basic["language"] = language_text(basic.get("language"), grade)
        if basic.get("computer") in COMPUTER:
            basic["computer"] = COMPUTER[basic["computer"]]
        Application.objects.filter(pk=application.pk).update(data=application.data)
    ApplicationFile.objects.filter(section="qualification", slot="certificates").update(slot="title_certificate")


def backwards(apps, schema_editor):
    ApplicationFile = apps.get_model("applications", "ApplicationFile")
    ApplicationFile.objects.filter(section="qualification", slot__in=["title_certificate", "appointment"]).update(
        slot="certificates")


class Migration(migrations.Migration):
    dependencies = [("applications", "0009_plan_papers_need_plagiarism")]
    operations = [migrations.RunPython(forwards, backwards)]
