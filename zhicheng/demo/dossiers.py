"""A realistic demo dossier for the demo applicants (used by `manage.py seed_demo`)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User, person_username
from core.uploads import check_upload
from dossier import items, services
from dossier.catalogue import catalogue
from dossier.models import Record
from review.services import record_decide

from .ids import make_id_number


def scan(title: str) -> SimpleUploadedFile:
    """A small certificate-like JPEG so that previews show something."""
    image = Image.new("RGB", (640, 440), (253, 250, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([12, 12, 628, 428], outline=(180, 40, 40), width=6)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 34)
        small = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 20)
    except OSError:
        font = small = ImageFont.load_default()
    draw.text((320, 150), title[:14], fill=(150, 20, 20), font=font, anchor="mm")
    draw.text((320, 250), "（演示用佐证材料）", fill=(90, 90, 90), font=small, anchor="mm")
    draw.ellipse([470, 300, 590, 420], outline=(200, 30, 30), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"{title[:10]}.jpg", buffer.getvalue(), content_type="image/jpeg")


# (kind, data, final status) per demo person key
DOSSIERS = {
    "nurse": [
        ("work_experience", {"employer": "福州市第一医院", "start_date": "2012-08-01", "end_date": None,
                             "specialty": "护理学", "position": "护士", "duties": "内科病区临床护理、带教实习护士"}, "approved"),
        ("education", {"school": "福建医科大学", "start_date": "2008-09-01", "end_date": "2012-07-01",
                       "major": "护理学", "education_type": "全日制教育", "length": "4年", "foreign": False,
                       "education": "大学本科", "certificate_no": "103921201205000123", "degree": "学士",
                       "degree_date": "2012-07-01"}, "approved"),
        ("continuing_education", {"ce_type": "专业课", "year": 2025, "hours": "48", "programme": "重症护理新进展",
                                  "organiser": "福建省护理学会", "start_date": "2025-03-01", "end_date": "2025-03-05"}, "approved"),
        ("appraisal", {"year": 2024, "assessor": "福州市第一医院", "grade": "优秀"}, "approved"),
        ("appraisal", {"year": 2025, "assessor": "福州市第一医院", "grade": "合格"}, "pending"),
        ("paper", {"title": "ICU患者压力性损伤预防的循证护理实践", "published_on": "2024-06-15", "journal": "中华护理杂志",
                   "journal_level": "核心期刊", "index": ["北大核心", "科技核心"], "corresponding": False,
                   "representative": True, "participants": 3, "rank": 1}, "pending"),
        ("honour", {"name": "优秀护士", "granted_on": "2023-05-12", "grantor": "福州市卫生健康委员会", "level": "市厅级"}, "returned"),
        ("certificate", {"name": "护士执业证书", "number": "201235012345", "obtained_on": "2012-10-01",
                         "permanent": True}, "draft"),
    ],
    # The two nurses at the end of the process (zhicheng/demo/results.py): what their applications pick.
    "certified_nurse": [
        ("work_experience", {"employer": "福州市第一医院", "start_date": "2008-08-01", "end_date": None,
                             "specialty": "护理学", "position": "护士长", "duties": "重症监护病房护理管理"}, "approved"),
        ("education", {"school": "福建医科大学", "start_date": "2004-09-01", "end_date": "2008-07-01",
                       "major": "护理学", "education_type": "全日制教育", "length": "4年", "foreign": False,
                       "education": "大学本科", "certificate_no": "103921200805000456", "degree": "学士",
                       "degree_date": "2008-07-01"}, "approved"),
    ],
    "listed_nurse": [
        ("work_experience", {"employer": "福州市第一医院", "start_date": "2010-08-01", "end_date": None,
                             "specialty": "护理学", "position": "护士", "duties": "老年病科临床护理"}, "approved"),
        ("education", {"school": "福建中医药大学", "start_date": "2006-09-01", "end_date": "2010-07-01",
                       "major": "护理学", "education_type": "全日制教育", "length": "4年", "foreign": False,
                       "education": "大学本科", "certificate_no": "103931201005000789", "degree": "学士",
                       "degree_date": "2010-07-01"}, "approved"),
    ],
    "teacher": [
        ("work_experience", {"employer": "福州第三中学", "start_date": "2009-08-20", "specialty": "中学数学",
                             "position": "数学教师、班主任"}, "approved"),
        ("education", {"school": "福建师范大学", "start_date": "2005-09-01", "end_date": "2009-07-01",
                       "major": "数学与应用数学", "education_type": "全日制教育", "education": "大学本科",
                       "degree": "学士", "degree_date": "2009-07-01"}, "approved"),
        ("honour", {"name": "福州市优秀教师", "granted_on": "2022-09-10", "grantor": "福州市教育局", "level": "市厅级"}, "approved"),
        ("research_project", {"name": "高中数学核心素养课堂评价研究", "start_date": "2023-03-01", "level": "市厅级",
                              "participation": "主持", "rank": 1, "participants": 5, "amount": "2"}, "pending"),
    ],
    "engineer": [
        ("work_experience", {"employer": "福建闽江工程科技有限公司", "start_date": "2010-07-01", "specialty": "结构工程",
                             "position": "结构设计工程师"}, "approved"),
        ("engineering_project", {"name": "闽江北岸滨江步道桥梁工程", "start_date": "2021-04-01", "end_date": "2023-10-30",
                                 "category": "市政工程", "amount": "8600", "participation": "主持",
                                 "duties": "负责桥梁结构设计与施工技术指导"}, "approved"),
        ("patent", {"number": "ZL202310123456.7", "name": "一种装配式桥梁伸缩缝装置", "patent_type": "实用新型",
                    "approved_on": "2024-02-20", "participants": 4, "rank": 1}, "pending"),
        ("standard", {"name": "城市人行桥梁设计规程", "number": "DBJ/T13-420-2023", "published_on": "2023-08-01",
                      "level": "地方标准", "participation": "参与", "rank": 3, "participants": 9}, "draft"),
    ],
}


def seed_dossiers(people: dict[str, User], unit_admins: dict[int, User]) -> int:
    """Create each demo person's records once (skipped when they already have any). Returns records made."""
    made = 0
    for key, rows in DOSSIERS.items():
        person = people[key]
        if Record.objects.filter(owner=person).exists():
            continue
        admin = unit_admins[person.unit_id]
        for kind_key, data, final in rows:
            kind = catalogue().kind(kind_key)
            upload = check_upload(scan(kind.label), kind.evidence)
            record = services.record_create(owner=person, kind=kind, data=data, files=[upload])
            made += 1
            if final == "draft":
                continue
            record = services.record_submit(actor=person, record=record)
            if final == "approved":
                record_decide(actor=admin, record=record, decision="approve", opinion="材料齐全，同意。")
            elif final == "returned":
                record_decide(actor=admin, record=record, decision="return",
                              opinion="证书扫描件不清晰，请重新上传盖章页。")
    return made


QUEUE_NAMES = ["李娜", "王芳", "张敏", "刘静", "陈丽", "杨洋", "黄婷", "赵雪", "周琳", "吴倩"]


def seed_hospital_queue(hospital, admin, *, first_seq: int = 40) -> int:
    """Ten more hospital staff with pending records, so the hospital's admin has a realistic queue."""
    made = 0
    for i, name in enumerate(QUEUE_NAMES):
        id_number = make_id_number("350102", datetime.date(1988 + i % 8, 1 + i, 10 + i), first_seq + i, "F")
        person, created = User.objects.get_or_create(
            username=person_username(id_number),
            defaults=dict(name=name, kind=User.Kind.PERSON, id_number=id_number, gender="F",
                          birth_date=datetime.date(1988 + i % 8, 1 + i, 10 + i), phone=f"1390000{i:04d}",
                          email=f"staff{i}@example.cn", unit=hospital, registration="approved", political_status="群众",
                          series="卫生技术"),
        )
        if created:
            person.set_password("Demo2026")
            person.save()
        if Record.objects.filter(owner=person).exists():
            continue
        rows = [
            ("appraisal", {"year": 2025, "assessor": hospital.name, "grade": "合格" if i % 3 else "优秀"}),
            ("continuing_education", {"ce_type": "公需课", "year": 2025, "hours": str(24 + i), "programme": "职业道德与法律法规",
                                      "organiser": "福建省继续教育中心"}),
        ]
        if i % 2 == 0:
            rows.append(("paper", {"title": f"临床护理质量改进实践研究（{i + 1}）", "published_on": f"2025-0{1 + i % 9}-15",
                                   "journal": "护理学杂志", "journal_level": "省级期刊", "participants": 2, "rank": 1}))
        for kind_key, data in rows:
            kind = catalogue().kind(kind_key)
            record = services.record_create(owner=person, kind=kind, data=data,
                                            files=[check_upload(scan(kind.label), kind.evidence)])
            services.record_submit(actor=person, record=record)
            made += 1
    return made


def seed_health(nurse, admin) -> int:
    """The nurse's 行业专用 dossier: cases, a topic report with its case list, a literature review."""
    if Record.objects.filter(owner=nurse, kind__startswith="health_").exists():
        return 0
    today = datetime.date.today()
    made = 0
    diagnoses = [("社区获得性肺炎", "肺炎 好转"), ("2型糖尿病", "2型糖尿病 血糖控制"), ("急性心肌梗死", "PCI术后"),
                 ("慢性阻塞性肺疾病急性加重", "COPD 好转"), ("脑梗死", "脑梗死恢复期")]
    case_kind = catalogue().kind("health_case")
    for i, (admitted_dx, discharged_dx) in enumerate(diagnoses):
        admitted = today - datetime.timedelta(days=400 - i * 60)
        record = services.record_create(owner=nurse, kind=case_kind, data={
            "inpatient_no": f"0023{i:04d}", "patient": f"患者{'甲乙丙丁戊'[i]}", "admitted_on": admitted.isoformat(),
            "discharged_on": (admitted + datetime.timedelta(days=9)).isoformat(), "surgery": "无手术",
            "admission_diagnosis": admitted_dx, "discharge_diagnosis": discharged_dx, "outcome": "好转"})
        made += 1
        if i < 3:
            services.record_submit(actor=nurse, record=record)
    topic_kind = catalogue().kind("health_topic")
    topic = services.record_create(owner=nurse, kind=topic_kind, data={
        "topic_type": "三新专题", "by_template": "是", "name": "经鼻高流量氧疗在呼吸衰竭护理中的应用",
        "summary": "总结本科室开展经鼻高流量氧疗新技术的护理经验。"})
    cases = topic_kind.child("cases")
    rows = []
    for i in range(12):
        admitted = today - datetime.timedelta(days=700 - i * 50)
        rows.append({"inpatient_no": f"0031{i:04d}", "patient": f"病人{i + 1}", "sex": "男" if i % 2 else "女",
                     "age": 45 + i, "classification": "呼吸衰竭", "admitted_on": admitted.isoformat(),
                     "discharged_on": (admitted + datetime.timedelta(days=12)).isoformat(),
                     "admission_diagnosis": "Ⅰ型呼吸衰竭", "discharge_diagnosis": "呼吸衰竭 好转", "remarks": ""})
    items.items_import(actor=nurse, record=topic, child=cases, rows=rows)
    topic = services.record_submit(actor=nurse, record=topic)
    record_decide(actor=admin, record=topic, decision="approve", opinion="病案齐全，同意。")
    made += 1
    review_kind = catalogue().kind("health_review")
    review = services.record_create(owner=nurse, kind=review_kind, data={"name": "重症患者早期活动护理研究进展"})
    references = review_kind.child("references")
    for i in range(22):
        year = today.year - (i % 6)
        items.item_add(actor=nurse, record=review, child=references,
                       data={"year": year, "title": f"重症患者早期活动相关研究文献（{i + 1}）"},
                       attachment=check_upload(scan(f"参考文献{i + 1}"), references.item_attachment))
    made += 1
    return made
