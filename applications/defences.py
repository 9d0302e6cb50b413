"""答辩安排 (SPEC §4 卫生技术 and §6, FORMS-AND-RULES §4): the committee office imports when and where each
accepted application is defended; the applicant sees it on the application page and prints the 答辩通知单.

The office downloads a template that lists its applications in 评审中 (申报编号, 姓名, the masked 证件号码,
工作单位, 申报资格), fills 学科组, 答辩日期, 答辩时间, 答辩地点 and 答辩序号 (备注 optional) for those it arranges,
leaves the others blank, and uploads it. Every row is checked: the number is one of the office's applications in
评审中 and the name is its applicant's, the date is not past, no application twice and no two people with the same
学科组, day and 序号 (in the file, or already arranged). One problem refuses the whole file with every row's
message, and nothing is written. An accepted file creates or changes each arrangement, writes the change to the
application's flow and tells the applicant by SMS; a row that repeats the stored arrangement changes nothing.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from accounts.models import Role
from accounts.sms import notice_send
from core.excel import Column, read_rows, template_bytes
from core.flow import flow_write
from core.masking import mask_id_number
from core.pdf import GRID, register_font, styles
from review import desks

from .chain import SUBJECT
from .models import Application, Defence

S = Application.Status
COLUMNS = [
    Column("number", "申报编号", required=True, excel_text=True, help="请勿修改；系统据此找到申报"),
    Column("name", "姓名", required=True, excel_text=True, help="请勿修改；须与申报编号对应"),
    Column("id_number", "证件号码", excel_text=True, help="仅供核对，导入时不读取"),
    Column("unit", "工作单位", excel_text=True, help="仅供核对，导入时不读取"),
    Column("title", "申报资格", excel_text=True, help="仅供核对，导入时不读取"),
    Column("group", "学科组", required=True, excel_text=True, help="不超过30字"),
    Column("date", "答辩日期", type="date", required=True),
    Column("time", "答辩时间", required=True, excel_text=True, help="24小时制，如 09:30"),
    Column("place", "答辩地点", required=True, excel_text=True, help="不超过100字"),
    Column("seq", "答辩序号", type="int", required=True, help="学科组当天的答辩顺序，1–999"),
    Column("notes", "备注", excel_text=True, help="选填，不超过200字，显示在答辩通知单上"),
]
ARRANGEMENT = ("group", "date", "time", "place", "seq", "notes")  # all blank: the row is not arranged (skipped)
LABELS = {c.key: c.label for c in COLUMNS}
NOTICE_RULES = (
    "请于答辩开始前30分钟到达答辩地点，凭本人居民身份证签到。",
    "同一学科组按答辩序号依次答辩，具体顺序以现场安排为准。",
    "进入答辩室前须关闭手机等通讯工具并交工作人员统一保管。",
    "无故缺席答辩的，按不予通过处理；本学科组答辩结束后到达的，视为自动放弃。",
)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)(?:[:：]00)?$")


class DefenceError(Exception):
    """The whole file is refused; the message is Chinese."""


# ---------------------------------------------------------------- reads (always through the office's scope)


def office_applications(user) -> QuerySet:
    """What the committee office's 答辩安排 page lists: its applications accepted for review (评审中) and those
    with a result, with what the columns show (constant queries). Empty for anyone else."""
    return (desks.desk_subjects(user, desks.desk_get("committee"))
            .filter(status__in=[S.ACCEPTED, S.PASSED, S.FAILED, S.CONFIRMED])
            .select_related("applicant", "unit", "plan", "defence").order_by("plan__year", "pk"))


TABS = (
    ("todo", "未安排", Q(status=S.ACCEPTED, defence__isnull=True)),
    ("arranged", "已安排", Q(defence__isnull=False)),
    ("all", "全部", Q()),
)


def office_tab_counts(user) -> dict[str, int]:
    return office_applications(user).order_by().aggregate(
        **{key: Count("pk", filter=q) for key, _label, q in TABS})


def office_list(user, tab: str, q: str = "") -> QuerySet:
    chosen = next((t for t in TABS if t[0] == tab), TABS[0])
    rows = office_applications(user).filter(chosen[2])
    if q:
        rows = rows.filter(Q(applicant__name__contains=q) | Q(defence__group__contains=q))
    return rows


def _arrangeable(user) -> QuerySet:
    return office_applications(user).filter(status=S.ACCEPTED)


def template(user) -> bytes:
    """The template, listing the office's applications in 评审中 (an arranged one with its arrangement, so that
    the file can be corrected and imported again)."""
    rows = []
    for a in _arrangeable(user):
        d = getattr(a, "defence", None)
        local = timezone.localtime(d.starts_at) if d else None
        rows.append([str(a.pk), a.applicant.name, mask_id_number(a.applicant.id_number), a.unit.name if a.unit else "",
                     f"{a.series} · {a.level}", d.group if d else None, local.date() if d else None,
                     f"{local:%H:%M}" if d else None, d.place if d else None, d.seq if d else None,
                     (d.notes or None) if d else None])
    notes = ["本表列出本评委会已接收（评审中）的全部申报；"
             "请为安排答辩的申报填写学科组、答辩日期、答辩时间、答辩地点和答辩序号。",
             "暂不安排的行请保留空白，导入时跳过；已安排的行修改后重新导入即可变更，变更会以短信通知申报人。",
             "申报编号、姓名请勿修改；证件号码、工作单位、申报资格仅供核对。"]
    return template_bytes(COLUMNS, title="答辩安排", notes=notes, rows=rows)


# ---------------------------------------------------------------- import


class RowForm(forms.Form):
    number = forms.IntegerField(error_messages={"required": "请填写申报编号。", "invalid": "申报编号应为数字。"})
    name = forms.CharField(error_messages={"required": "请填写姓名。"})
    group = forms.CharField(max_length=30, error_messages={"required": "请填写学科组。",
                                                           "max_length": "学科组不能超过30个字。"})
    date = forms.DateField(error_messages={"required": "请填写答辩日期。",
                                           "invalid": "请按 2024-03-15 的格式填写日期。"})
    time = forms.CharField(error_messages={"required": "请填写答辩时间，如 09:30。"})
    place = forms.CharField(max_length=100, error_messages={"required": "请填写答辩地点。",
                                                            "max_length": "答辩地点不能超过100个字。"})
    seq = forms.IntegerField(min_value=1, max_value=999, error_messages={
        "required": "请填写答辩序号。", "invalid": "答辩序号应为整数。", "min_value": "答辩序号应为1–999的整数。",
        "max_value": "答辩序号应为1–999的整数。"})
    notes = forms.CharField(max_length=200, required=False, error_messages={"max_length": "备注不能超过200个字。"})

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value < timezone.localdate():
            raise forms.ValidationError("答辩日期不能早于今天。")
        return value

    def clean_time(self):
        text = self.cleaned_data["time"].strip()
        match = _TIME.match(text)
        if match is None:
            try:  # a time-formatted cell that reached us as a fraction of a day (0.395833… is 09:30)
                fraction = float(text)
            except ValueError:
                fraction = -1
            if not 0 <= fraction < 1:
                raise forms.ValidationError("请按24小时制填写答辩时间，如 09:30。")
            minutes = round(fraction * 24 * 60)
            return datetime.time(minutes // 60, minutes % 60)
        return datetime.time(int(match[1]), int(match[2]))


@dataclass
class Outcome:
    errors: list[dict] = field(default_factory=list)  # {line, column, message}
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def summary(self) -> str:
        return (f"已导入答辩安排：新增{self.created}条，变更{self.changed}条，未变{self.unchanged}条"
                + (f"，{self.skipped}行未填写安排已跳过" if self.skipped else "") + "。")


def _opinion(group, starts_at, place, seq, notes) -> str:
    local = timezone.localtime(starts_at)
    return (f"学科组：{group}；答辩时间：{local:%Y-%m-%d %H:%M}；答辩地点：{place}；答辩序号：{seq}"
            + (f"；备注：{notes}" if notes else ""))


def defences_import(*, actor, upload) -> Outcome:
    """Check every row of the uploaded template and, only when all pass, write every arrangement in one
    transaction. File-level problems raise core.excel.ExcelError."""
    parsed = read_rows(upload, COLUMNS)
    outcome = Outcome()
    with transaction.atomic():
        # The office's applications in 评审中, locked so that a result recorded meanwhile waits for this import.
        targets = {a.pk: a for a in _arrangeable(actor).select_for_update(of=("self",))}
        wanted, taken = {}, {}
        for row in parsed:
            outcome.errors += [{"line": row.line, "column": c, "message": m} for c, m in row.errors]
            if not any(row.values[k] for k in ARRANGEMENT):
                outcome.skipped += 1
                continue
            form = RowForm(row.values)
            if not form.is_valid():
                outcome.errors += [{"line": row.line, "column": LABELS.get(k, ""), "message": m}
                                   for k, messages in form.errors.items() for m in messages]
                continue
            data = form.cleaned_data
            application = targets.get(data["number"])
            if application is None:
                outcome.errors.append({"line": row.line, "column": LABELS["number"],
                                       "message": f"申报编号{data['number']}不是本评委会评审中的申报，不能安排答辩。"})
                continue
            if data["name"].strip() != application.applicant.name:
                outcome.errors.append({"line": row.line, "column": LABELS["name"],
                                       "message": f"姓名与申报编号{data['number']}的申报人不符，请核对后重新导入。"})
                continue
            if application.pk in wanted:
                outcome.errors.append({"line": row.line, "column": LABELS["number"],
                                       "message": f"与第{wanted[application.pk][0]}行是同一申报，"
                                                  "每人只能有一条答辩安排。"})
                continue
            slot = (data["group"].strip(), data["date"], data["seq"])
            if slot in taken:
                outcome.errors.append({"line": row.line, "column": "学科组、答辩日期、答辩序号",
                                       "message": f"与第{taken[slot]}行的学科组、答辩日期和答辩序号相同。"})
                continue
            taken[slot] = row.line
            starts_at = timezone.make_aware(datetime.datetime.combine(data["date"], data["time"]))
            wanted[application.pk] = (row.line, dict(group=slot[0], starts_at=starts_at, place=data["place"].strip(),
                                                     seq=data["seq"], notes=data["notes"].strip()))
        # An arrangement already stored for an application this file leaves alone keeps its slot.
        for pk, application in targets.items():
            stored = getattr(application, "defence", None)
            if pk in wanted or stored is None:
                continue
            line = taken.get((stored.group, timezone.localtime(stored.starts_at).date(), stored.seq))
            if line is not None:
                outcome.errors.append({"line": line, "column": "学科组、答辩日期、答辩序号",
                                       "message": f"与已安排的{application.applicant.name}（申报编号{pk}）的学科组、"
                                                  f"答辩日期和答辩序号相同。"})
        if outcome.errors:
            outcome.errors.sort(key=lambda e: e["line"])
            return outcome
        if not wanted:
            raise DefenceError("文件中没有填写答辩安排的行（学科组、答辩日期、答辩时间、答辩地点、答辩序号）。")
        notices = []
        for pk, (_line, values) in wanted.items():
            application = targets[pk]
            stored = getattr(application, "defence", None)
            if stored is not None and all(getattr(stored, k) == v for k, v in values.items()):
                outcome.unchanged += 1
                continue
            if stored is None:
                Defence.objects.create(application=application, arranged_by=actor, **values)
                outcome.created += 1
            else:
                for k, v in values.items():
                    setattr(stored, k, v)
                stored.arranged_by, stored.arranged_at = actor, timezone.now()
                stored.save()
                outcome.changed += 1
            flow_write(subject_type=SUBJECT, subject_id=pk, actor=actor, role=Role.COMMITTEE_STAFF.label,
                       action="defence", label="答辩安排", stage=application.stage, from_status=application.status,
                       to_status=application.status,
                       opinion=("变更：" if stored is not None else "") + _opinion(**values))
            notices.append((application, values))
        _tell(notices)  # queued for delivery once the arrangement commits
    return outcome


def _tell(notices) -> None:
    """An SMS to each applicant whose arrangement is new or changed (those with a phone number), delivered by the
    task queue once the import commits: a gateway failure is retried and logged, the arrangement stands."""
    for application, values in notices:
        local = timezone.localtime(values["starts_at"])
        text = (f"{application.applicant.name}您好：您申报的{application.plan.name}已安排答辩，时间"
                f"{local:%Y年%m月%d日 %H:%M}，地点{values['place']}，{values['group']}第{values['seq']}号。"
                f"请登录平台查看并打印答辩通知单，携带本人身份证按时参加。")
        notice_send(application.applicant.phone, text)


# ---------------------------------------------------------------- 答辩通知单


def notice_pdf(application: Application) -> bytes:
    """The 答辩通知单 (A4): who, which title, which committee, when, where, 学科组 and 序号, the rules of the day,
    and the issuing committee. The ID number is masked as on every print."""
    defence = application.defence
    account = (application.snapshot or {}).get("account", {})
    font = register_font()
    base = styles()
    local = timezone.localtime(defence.starts_at)
    weekday = "一二三四五六日"[local.weekday()]
    cell = base["body"]

    def p(text):
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), cell)

    rows = [
        ["姓名", p(account.get("name") or application.applicant.name), "性别", p(account.get("gender", ""))],
        ["证件号码", p(mask_id_number(account.get("id_number") or application.applicant.id_number)), "申报编号",
         p(application.pk)],
        ["工作单位", p(account.get("unit") or (application.unit.name if application.unit else "")), "", ""],
        ["评审计划", p(application.plan.name), "", ""],
        ["申报资格", p(f"{application.series} · {application.level}"), "评委会", p(application.plan.committee.name)],
        ["学科组", p(defence.group), "答辩序号", p(f"第{defence.seq}号")],
        ["答辩时间", p(f"{local:%Y年%m月%d日} 星期{weekday} {local:%H:%M}"), "", ""],
        ["答辩地点", p(defence.place), "", ""],
    ]
    if defence.notes:
        rows.append(["备注", p(defence.notes), "", ""])
    table = Table(rows, colWidths=[26 * mm, 62 * mm, 24 * mm, 58 * mm])
    # A row without a second label spans its value across; the label cells are shaded.
    spans = [("SPAN", (1, i), (3, i)) for i, row in enumerate(rows) if row[2] == ""]
    shaded = [("BACKGROUND", (2, i), (2, i), "#e8eef7") for i, row in enumerate(rows) if row[2] != ""]
    table.setStyle(TableStyle(GRID + spans + shaded + [
        ("FONT", (0, 0), (-1, -1), font, 10, 15), ("BACKGROUND", (0, 0), (0, -1), "#e8eef7"),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    story = [Paragraph("答辩通知单", base["title"]),
             Paragraph(f"{application.plan.year}年度 · {application.plan.name}", base["small"]), Spacer(1, 6 * mm),
             table, Spacer(1, 6 * mm), Paragraph("答辩须知", base["h"])]
    story += [Paragraph(f"{i}. {rule}", base["body"]) for i, rule in enumerate(NOTICE_RULES, start=1)]
    story += [Spacer(1, 14 * mm),
              Paragraph(f"{application.plan.committee.name}（盖章）", base["body"]),
              Paragraph(f"导入日期：{timezone.localtime(defence.arranged_at):%Y年%m月%d日}　打印日期："
                        f"{timezone.localdate():%Y年%m月%d日}", base["small"])]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="答辩通知单", leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    return buffer.getvalue()
