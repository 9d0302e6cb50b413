"""What the official 评审表 says (FORMS-AND-RULES §1.1), apart from how it is drawn: the cover's lines, the 基本情况
page, the numbered sections in the national template's order with their list rows and fixed-size cells, the
series' own sections, the opinion boxes and the vote block. The PDF (applications.prints) and the Excel workbook
(applications.review_workbook) both draw `review_form(snapshot)`, so the two prints cannot say different things.

A snapshot with `committee` (the re-print after the committee's result, prints.result_snapshot) fills in 答辩情况
and the vote block; every other value comes from the filed snapshot.
"""

from dataclasses import dataclass, field

from dossier.display import format_value

from .sections import SectionSpec, sections, title_name

DRAFT_STAMP = "草稿 · 未提交"  # on every page of a draft's print preview, never on a filed print
DRAFT_NOTE = "打印预览：以提交后生成的正式表格为准"
REVIEW_TITLE = "专业技术职务任职资格评审表"
IMPRINT = "中华人民共和国人事部制"
CONTINUED = "（续见附页）"
ATTACHMENT_TITLE = "附页（续）"
ATTACHMENT_NOTE = "注：以下为正文表格中填写不下的内容，按栏目接续正文"
SIGNATURE = "负责人：　　　　　　　（公章）"
BLANK_DATE = "　　　　年　　月　　日"
PARTY = {"中共党员", "中共预备党员", "共青团员"}
BASIC_LINES = 3  # the lines each of 基本情况's long cells holds
VOTE_HEADER = ("总人数（应到）", "参加人数（实到）", "赞成人数（同意）", "反对人数（不同意）", "弃权人数", "备注")
VOTE_KEYS = ("members", "attending", "agree", "disagree", "abstain")


@dataclass(frozen=True)
class Grid:
    """A list on the form: its header, relative column widths and rows of text. The PDF pads it to `minimum`
    rows; the Excel form holds `fixed` rows and continues the rest on its 附页 sheet."""

    header: tuple[str, ...]
    weights: tuple[float, ...]
    rows: list[list[str]]
    minimum: int = 3
    fixed: int = 8


@dataclass(frozen=True)
class Text:
    """A fixed-size text cell: what does not fit its `lines` is cut with 续见附页 and printed whole on the
    attachment page under `label`."""

    label: str
    text: str
    lines: int


@dataclass(frozen=True)
class Box:
    """A boxed opinion: its title and text on top, the signature line (负责人, 公章, date) at the bottom right."""

    title: str
    text: str = ""
    height: float = 22  # mm on the A4 page
    sign: str = SIGNATURE
    date: str = ""  # ISO date, or the blank 年 月 日


@dataclass(frozen=True)
class Vote:
    """评审组织意见: 总人数（应到）… 弃权 as entered with the committee's result (blank before it), 评审结果 and the
    date (FORMS-AND-RULES §1.1 item 12: 应到 = 总人数, 实到 = 参加人数, 同意 = 赞成, 不同意 = 反对; 弃权 optional)."""

    counts: tuple[str, ...]
    result: str
    date: str
    header: tuple[str, ...] = VOTE_HEADER
    title: str = "评审组织意见："
    sign: str = "主任签字：　　　　　　（公章）"


@dataclass(frozen=True)
class Part:
    """A numbered section of the form and what it holds, in order. `page`: it starts a page of its own (the
    opinion pages); `together`: kept on one page; `series`: a series' own section from sections.toml."""

    title: str
    items: tuple = ()
    page: bool = False
    together: bool = False
    series: SectionSpec | None = None


@dataclass(frozen=True)
class ReviewForm:
    name: str
    cover: list[tuple[str, str]]
    head: list[list]  # 基本情况's first rows: label, value × 3 (None: the value to its left spans it); the photo right
    education: tuple[tuple[str, ...], tuple[str, ...]]  # 最高学历's header and its row
    basic: list[Text]  # 现任专业技术职务 … 计算机应用能力
    parts: list[Part] = field(default_factory=list)  # 二 … 八, the series' sections, 九, 十
    committee: dict | None = None


def cn_date(iso: str) -> str:
    """2026-12-06 as 2026年12月06日 (the form's 年 月 日); the blank line when there is none."""
    return f"{iso[:4]}年{iso[5:7]}月{iso[8:10]}日" if iso else BLANK_DATE


def values_of(snapshot: dict, key: str) -> dict:
    return snapshot["sections"].get(key, {}).get("values", {})


def rows_of(snapshot: dict, key: str, group: str = "") -> list[dict]:
    stored = snapshot["sections"].get(key, {})
    rows = stored.get("groups", {}).get(group, []) if group else stored.get("rows", [])
    return [row["values"] for row in rows]


def period(start, end) -> str:
    return f"{start or ''}—{end or '至今'}"


def _years(start: str, end: str) -> str:
    try:
        return f"{round(int(end[:4]) - int(start[:4]) + (int(end[5:7]) - int(start[5:7])) / 12)}年"
    except (TypeError, ValueError):
        return ""


def _education_top(snapshot: dict) -> dict:
    """最高学历: the education row of the highest 学历 (the choices run from 博士研究生 down)."""
    rows = rows_of(snapshot, "education")
    order = next(f.choices for f in sections().get("education").fields if f.key == "education")
    return min(rows, key=lambda r: order.index(r.get("education")) if r.get("education") in order else 99,
               default={})


def _cover(snapshot: dict) -> list[tuple[str, str]]:
    account, basic = snapshot["account"], values_of(snapshot, "basic")
    specialty = basic.get("qualification_specialty") or basic.get("current_specialty")
    return [("姓　　名", account["name"]), ("工作单位", account["unit"]),
            ("申报系列（专业）", f"{snapshot['series']}（{specialty}）" if specialty else snapshot["series"]),
            ("现任专业技术职务", title_name(values_of(snapshot, "qualification")) or "无"),
            ("申报资格", title_name(basic) or snapshot["level"]),
            ("填表日期", cn_date(snapshot["submitted_at"][:10]))]


def _basic(snapshot: dict) -> tuple[list[list], tuple, list[Text]]:
    account, basic = snapshot["account"], values_of(snapshot, "basic")
    qualification = values_of(snapshot, "qualification")
    political = basic.get("political") or ""
    head = [
        ["姓名（现名）", account["name"], "性别", account["gender"], "民族", basic.get("ethnicity")],
        ["曾用名", basic.get("former_name"), "出生日期", account["birth_date"], "出生地", basic.get("birthplace")],
        ["身份证号码", account["id_number"], None, None, "政治面貌", political],
        ["参加工作时间", basic.get("work_start"), "身体状况", "", "工作单位", account["unit"]],
    ]
    top = _education_top(snapshot)
    education = (("最高学历", "毕（肄、结）业时间", "学校", "专业", "学制", "学位"),
                 ("", top.get("end", ""), top.get("school", ""), top.get("major", ""),
                  _years(top.get("start", ""), top.get("end", "")), top.get("degree", "")))
    societies = "；".join(f"{r.get('organisation', '')}{r.get('post', '')}（{period(r.get('start'), r.get('end'))}）"
                         for r in rows_of(snapshot, "societies")) or "无"
    admin = "".join(filter(None, [basic.get("admin_post"), f"（{basic['admin_level']}）"
                                  if basic.get("admin_level") not in (None, "", "无") else ""]))
    post, title = qualification.get("post_name"), title_name(qualification)
    long_rows = [
        ("现任专业技术职务及任职时间", f"{post}，{qualification.get('appointed_on') or ''}" if post else "无"),
        ("现从事何种专业技术工作", basic.get("current_specialty")),
        ("专业技术职务任职资格（取得时间及审批机关）",
         f"{title}，{qualification.get('title_obtained') or ''}" if title else "无"),
        ("现（兼）任行政职务及任职时间", admin or "无"),
        ("何时加入中国共产党（共青团）任何职务", political if political in PARTY else "无"),
        ("何时何地参加何种民主党派任何职务", political if political == "民主党派" else "无"),
        ("参加何种学术团体、任何种职务、有何社会兼职", societies),
        ("懂何种外语、达到何种程度", basic.get("language")),
        ("计算机应用能力", basic.get("computer")),
    ]
    return head, education, [Text(label, "" if text is None else str(text), BASIC_LINES) for label, text in long_rows]


def _achievement_rows(snapshot: dict) -> list[list]:
    """任现职后业绩 as rows: the awards, then the patents (seed 004 §11–12)."""
    rows = [[r.get("awarded_on"), r.get("project") or r.get("award"), f"排名第{r['rank']}" if r.get("rank") else "",
             "，".join(filter(None, [r.get("award"), r.get("grade"), r.get("grantor")]))]
            for r in rows_of(snapshot, "awards")]
    rows += [[r.get("granted_on"), r.get("name"), f"排名第{r['rank']}" if r.get("rank") else "",
              f"{r.get('category') or ''} {r.get('number') or ''}".strip()] for r in rows_of(snapshot, "patents")]
    return rows


def _writings_rows(snapshot: dict) -> list[list]:
    """著作、论文: 论文 first, then 著作 (seed 004 §9–10), then a series' own 著作论文."""
    rows = [[r.get("published_on"), r.get("title"), f"{r.get('journal') or ''}（{r.get('issn') or ''}）",
             f"排名第{r['rank']}" if r.get("rank") else ""] for r in rows_of(snapshot, "papers")]
    rows += [[r.get("published_on"), r.get("title"), f"{r.get('publisher') or ''}（{r.get('isbn') or ''}）",
              f"排名第{r['rank']}" if r.get("rank") else ""] for r in rows_of(snapshot, "books")]
    rows += [[r.get("published_on"), r.get("title"), r.get("journal"), ""]
             for r in rows_of(snapshot, "health", "writings")]
    return rows


def defence_text(committee: dict | None) -> str:
    defence = committee and committee.get("defence")
    if not defence:
        return "未安排答辩。" if committee else ""
    return f"{defence['at']}于{defence['place']}参加{defence['group']}学科组答辩（答辩序号{defence['seq']}）。"


def vote(committee: dict | None) -> Vote:
    c = committee or {}
    result = f"评审结果：{c['result']}" if c else "评审结果："
    if c.get("opinion"):
        result += f"\n说明：{c['opinion']}"
    return Vote(counts=tuple("" if c.get(k) is None else str(c[k]) for k in VOTE_KEYS) + ("",), result=result,
                date=c.get("date", ""))


def _parts(snapshot: dict) -> list[Part]:
    committee = snapshot.get("committee")
    basic, qualification = values_of(snapshot, "basic"), values_of(snapshot, "qualification")
    study = [[period(r.get("start"), r.get("end")),
              "，".join(filter(None, [r.get("major"), r.get("education"), r.get("degree")])), r.get("school"), ""]
             for r in rows_of(snapshot, "education")]
    study += [[f"{r.get('year')}年", f"{r.get('content') or ''}（{r.get('hours') or 0}学时）", "", ""]
              for r in rows_of(snapshot, "continuing_education")]
    work = [[period(r.get("start"), r.get("end")), r.get("employer"), r.get("work"), r.get("post")]
            for r in rows_of(snapshot, "teacher", "resume")]
    work = work or [[period(basic.get("work_start"), ""), snapshot["account"]["unit"], basic.get("current_specialty"),
                     qualification.get("post_name") or basic.get("admin_post") or ""]]
    history = values_of(snapshot, "work_history")
    header = ("起止时间", "专业技术工作名称（项目、课题、成果等）", "工作内容、本人起何作用（主持、参加、独立）",
              "完成情况及效果（获何奖励、效益或专利）")
    summary = values_of(snapshot, "achievements").get("summary")
    exams = []
    if basic.get("language"):
        exams.append(["", "职称外语", "", basic["language"], ""])
    if basic.get("computer"):
        exams.append(["", "计算机应用能力", "", basic["computer"], ""])
    accounting = values_of(snapshot, "accounting")
    if accounting.get("exam_year"):
        exams.append([f"{accounting['exam_year']}年", "高级会计资格考试", "高级会计实务",
                      f"合格（证书编号{accounting.get('certificate_no', '')}）", ""])
    defence = committee and committee.get("defence")
    appraisals = "；".join(f"{r.get('year')}年度：{r.get('result')}" for r in rows_of(snapshot, "appraisals"))
    parts = [
        Part("二、学习培训经历（包括参加专业学习、培训、国内外进修）",
             (Grid(("起止时间", "专业或主要内容", "学习地点", "证明人"), (1.3, 2.4, 2, 0.8), study, fixed=10),)),
        Part("三、工作经历", (Grid(("起止时间", "单位", "从事何专业技术工作", "职务"), (1.3, 2.4, 2, 1), work,
                                  fixed=10),)),
        Part("四、任现职前主要专业技术工作业绩登记",
             (Grid(header, (1.2, 2, 2, 2), [], minimum=0, fixed=0),
              Text("任现职前主要专业技术工作业绩", history.get("before") or "", 30))),
        Part("五、任现职后主要专业技术工作业绩登记",
             (Grid(header, (1.2, 2, 2, 2), _achievement_rows(snapshot), minimum=0, fixed=8),
              Text("任现职后主要专业技术工作业绩", "\n".join(filter(None, [history.get("after"), summary])), 40))),
        Part("六、著作、论文及重要技术报告登记",
             (Grid(("日期", "名称及内容提要", "出版、登载、获奖或在学术会议上交流情况", "全（独）著、译"),
                   (1, 2.6, 2.4, 1), _writings_rows(snapshot), fixed=12),)),
        Part("七、考试成绩及答辩情况",
             (Grid(("考试时间", "考试种类", "考试科目", "考试成绩", "组织考试单位"), (1, 1.4, 1.4, 2, 1.4), exams,
                   minimum=2, fixed=4),
              Box("答辩情况", defence_text(committee), date=defence["at"][:10] if defence else "")),
             together=True),
        Part("八、年度及任职期满考核结果", (Box("考核结果", appraisals),), together=True),
    ]
    parts += [Part(f"附：{section.label}专业情况", page=True, series=section)
              for section in sections().for_series(snapshot["series"]) if section.series]
    parts += [
        Part("九、单位推荐意见", (Box("基层单位意见", height=70), Box("呈报单位意见", height=70)), page=True),
        Part("十、评审审批意见", (Box("专家评议组或同行专家意见", height=40, sign="签字："), vote(committee),
                                 Box("人事或职改部门审批意见", height=40)), page=True),
    ]
    return parts


def review_form(snapshot: dict) -> ReviewForm:
    """The 评审表 of a (printed or result) snapshot."""
    head, education, basic = _basic(snapshot)
    return ReviewForm(name=snapshot["account"]["name"], cover=_cover(snapshot), head=head, education=education,
                      basic=basic, parts=_parts(snapshot), committee=snapshot.get("committee"))


def series_fields(snapshot: dict, section: SectionSpec) -> list[tuple[str, str]]:
    """A series section's visible fields as (label, value), in declaration order."""
    values = values_of(snapshot, section.key)
    return [(spec.label, format_value(spec, values.get(spec.key))) for spec in section.fields if spec.visible(values)]


def series_groups(snapshot: dict, section: SectionSpec) -> list[tuple[str, Grid]]:
    """A series section's row lists that apply and hold rows, each as (label, Grid with 序号)."""
    stored = snapshot["sections"].get(section.key, {})
    values = stored.get("values", {})
    groups = []
    for group in section.groups:
        rows = stored.get("groups", {}).get(group.key, [])
        if group.applies(values) and rows:
            grid = Grid(tuple(f.label for f in group.fields), tuple(1.0 for _ in group.fields),
                        [[format_value(f, row["values"].get(f.key)) for f in group.fields] for row in rows], fixed=8)
            groups.append((group.label, grid))
    return groups
