"""Realistic record contents for the benchmark, generated from the catalogue and checked by the real forms.

Each kind gets a pool of distinct contents (data JSON, title, search text) built field by field from its
declaration: choices from the declared lists, dates in order (`not_before`), ranks within the number of
participants (`not_above`), conditional fields only where they apply, optional fields filled about half the
time. Every pool entry goes through the kind's generated form, exactly as a saved record does, so the stored
JSON has the shape the application writes. Records then draw from the pools, which keeps generation fast.
"""

import datetime
import json
import random

from dossier.catalogue import FieldSpec, KindSpec
from dossier.forms import record_form

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鹏飞斌辉宇浩凯健俊帆帅旭宁欣悦晨琳雪婷颖晶倩瑶怡佳嘉欢蕾璐琪晓燕莉婉慧"
CITIES = ["福州", "厦门", "泉州", "漳州", "莆田", "三明", "南平", "龙岩", "宁德", "福清", "晋江", "石狮"]
ORG_SUFFIXES = ["第一医院", "中心医院", "人民医院", "妇幼保健院", "第三中学", "实验小学", "职业技术学院", "建筑设计研究院",
                "市政工程有限公司", "水利水电勘测设计院", "农业科学研究所", "疾病预防控制中心", "环境监测站", "交通建设集团有限公司",
                "电子信息科技有限公司", "质量计量检测所", "林业局", "图书馆", "广播电视台", "供电公司"]
UNIVERSITIES = ["福建医科大学", "福建师范大学", "福州大学", "厦门大学", "华侨大学", "集美大学", "福建农林大学", "闽江学院",
                "浙江大学", "中山大学", "武汉大学", "同济大学", "华中科技大学", "四川大学", "南京大学"]
JOURNALS = ["中华护理杂志", "中国实用护理杂志", "中华医学杂志", "中国教育学刊", "数学通报", "土木工程学报", "建筑结构",
            "中国公路学报", "农业工程学报", "环境科学", "计算机工程与应用", "电力系统自动化", "福建医药杂志", "教育评论"]
PUBLISHERS = ["人民卫生出版社", "高等教育出版社", "科学出版社", "中国建筑工业出版社", "福建教育出版社", "机械工业出版社"]
TOPICS = ["重症患者早期康复", "社区慢病管理", "核心素养课堂评价", "装配式桥梁结构", "城市排水管网监测", "智慧农业灌溉",
          "基层医疗信息化", "高中数学建模教学", "软土地基处理", "新能源并网调度", "茶树病虫害绿色防控", "老年护理质量改进",
          "校本课程开发", "隧道施工安全监测", "水环境综合治理", "中小学心理健康教育", "医院感染防控", "海洋渔业资源评估"]
TOPIC_SUFFIXES = ["研究", "应用研究", "关键技术研究", "实践与探索", "示范项目", "体系建设", "推广应用", "优化设计"]
SPECIALTIES = ["护理学", "临床医学", "中学数学", "小学语文", "结构工程", "市政工程", "电气工程", "农学", "会计学", "计算机应用",
               "环境工程", "药学", "给排水", "机械设计", "林学"]
POSITIONS = ["护士", "主管护师", "住院医师", "主治医师", "教师", "班主任", "教研组长", "工程师", "项目负责人", "技术员",
             "科室主任", "副主任", "总工程师"]
AWARDS = ["科学技术进步奖", "优秀教学成果奖", "优秀工程设计奖", "医学科技奖", "优秀论文奖", "技术创新奖"]
HONOURS = ["优秀护士", "优秀教师", "先进工作者", "三八红旗手", "优秀共产党员", "青年岗位能手", "劳动模范", "优秀科技工作者"]
CERTIFICATES = ["护士执业证书", "医师资格证书", "教师资格证书", "一级注册建造师", "注册监理工程师", "注册会计师",
                "一级注册结构工程师", "安全工程师"]
SENTENCES = ["负责科室日常业务工作并承担带教任务。", "牵头完成项目方案设计与实施。", "主持编写技术规程并组织培训。",
             "参与课题调研、数据分析与报告撰写。", "成果在多家单位推广应用，效果良好。", "取得明显的经济效益和社会效益。",
             "获得主管部门和同行专家的肯定。", "完善了相关工作制度和操作流程。"]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def organisation(rng: random.Random) -> str:
    return rng.choice(CITIES) + rng.choice(ORG_SUFFIXES)


def _date(rng: random.Random, start: datetime.date | None = None) -> datetime.date:
    if start is not None:
        return start + datetime.timedelta(days=rng.randint(1, 6 * 365))
    return datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, 24 * 365))


def _text(rng: random.Random, spec: FieldSpec, unit_name: str) -> str:
    key = spec.key
    if spec.pattern == "cn_serial":
        return f"CN {rng.randint(11, 65)}-{rng.randint(1000, 9999)}/{rng.choice(('TU', 'R', 'G4', 'O'))}"
    if spec.pattern in ("issn", "journal_number"):
        return rng.choice(("ISSN 2095-882X", "ISSN 0000-1317"))  # valid check digits
    if key in ("employer", "organisation", "grantor", "adopter", "recipient", "source", "organiser", "assessor",
               "issuer", "applicant"):
        value = unit_name if key == "assessor" else organisation(rng)
    elif key == "school":
        value = rng.choice(UNIVERSITIES)
    elif key == "journal":
        value = rng.choice(JOURNALS)
    elif key == "publisher":
        value = rng.choice(PUBLISHERS)
    elif key in ("specialty", "major"):
        value = rng.choice(SPECIALTIES)
    elif key in ("position", "post"):
        value = rng.choice(POSITIONS)
    elif key == "award":
        value = rng.choice(CITIES) + rng.choice(AWARDS)
    elif key == "number" or key.endswith("_no") or key == "isbn":
        value = f"{rng.choice(('ZL', 'DB35/T', 'GB/T', '', 'ISBN978-7-'))}{rng.randint(10**7, 10**10 - 1)}"
    elif key in ("members", "inventors", "coauthors"):
        value = "、".join(person_name(rng) for _ in range(rng.randint(2, 5)))
    elif key == "length":
        value = rng.choice(("3年", "4年", "5年"))
    elif key == "category":
        value = rng.choice(("市政工程", "房屋建筑", "水利工程", "公路工程", "电力工程"))
    elif key == "scale":
        value = rng.choice(("大型", "中型", "小型"))
    elif key == "grade":
        value = rng.choice(("初级", "中级", "高级"))
    elif spec.label.endswith("名称") and "证书" in spec.label:
        value = rng.choice(CERTIFICATES)
    elif key == "name" and spec.label.startswith("表彰"):
        value = rng.choice(CITIES) + rng.choice(HONOURS)
    else:  # names and titles of projects, papers, reports, books, programmes
        value = rng.choice(TOPICS) + rng.choice(TOPIC_SUFFIXES)
    return value[: spec.max_length or 200]


def field_value(rng: random.Random, spec: FieldSpec, data: dict, unit_name: str):
    """One field's value, as a person would type it into the form (strings, lists for multichoice)."""
    match spec.type:
        case "text":
            return _text(rng, spec, unit_name)
        case "textarea":
            text = "".join(rng.sample(SENTENCES, rng.randint(1, 4)))
            return text[: spec.max_length or 2000]
        case "date":
            start = data.get(spec.not_before)
            return _date(rng, datetime.date.fromisoformat(start) if start else None).isoformat()
        case "year":
            return str(rng.randint(2010, 2025))
        case "int":
            high = int(data.get(spec.not_above) or min(spec.max or 20, 20))
            return str(rng.randint(int(spec.min or 1), max(int(spec.min or 1), high)))
        case "decimal":
            return str(round(rng.uniform(spec.min or 0, min(spec.max or 500, 500)), rng.choice((0, 1, 2))))
        case "choice":
            return rng.choice(spec.choices)
        case "multichoice":
            return rng.sample(spec.choices, rng.randint(1, min(3, len(spec.choices))))
        case "bool":
            return rng.choice(("on", ""))
    raise ValueError(spec.type)


def _ordered(kind: KindSpec) -> list[FieldSpec]:
    """Fields in an order where a field comes after the ones it depends on."""
    done: list[FieldSpec] = []
    pending = list(kind.fields)
    while pending:
        for spec in pending:
            deps = {spec.not_before, spec.not_above, (spec.show_if or {}).get("field")} - {None}
            if deps <= {d.key for d in done}:
                done.append(spec)
                pending.remove(spec)
                break
        else:
            done.extend(pending)
            break
    return done


def content(rng: random.Random, kind: KindSpec, unit_name: str) -> dict:
    """One valid record content of `kind`, cleaned by the kind's form as a save would store it."""
    for _attempt in range(20):
        data: dict = {}
        for spec in _ordered(kind):
            if not spec.visible(data):
                continue
            if spec.required or rng.random() < 0.55 or spec.key in {f.not_above for f in kind.fields}:
                data[spec.key] = field_value(rng, spec, data, unit_name)
        form = record_form(kind, data=data)
        if form.is_valid():
            return form.record_data()
    raise ValueError(f"bench could not generate valid {kind.key} data: {form.errors.as_text()}")


def pool(rng: random.Random, kind: KindSpec, size: int) -> list[tuple[str, str, str]]:
    """`size` distinct contents of a kind as (data JSON, title, search text), denormalised as the services do."""
    out = []
    for _ in range(size):
        data = content(rng, kind, organisation(rng))
        title = str(data.get(kind.title) or "")[:200]
        search = " ".join(str(data.get(key) or "") for key in kind.search).lower()
        out.append((json.dumps(data), title, search))
    return out
