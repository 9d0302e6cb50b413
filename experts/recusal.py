"""回避 computed from verified history (docs/experts.md): for each drawn expert and each application of the panel,
the grounds that exclude the expert, each with what it rests on.

- the expert is the applicant;
- the expert and the applicant share the current unit;
- their 工作经历 records approved by the employer (审核通过) name the same unit over overlapping periods;
- they have a paper, book, project, standard or patent of the same normalised title and year, approved in either
  dossier (the other's record filed: an unapproved pair does not count);
- a relation (亲属, 师生, 其他) declared by either side.

Everything is read in a constant number of queries, whatever the panel and the applications."""

import datetime
import re
import unicodedata
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from dossier.models import Record, Status

from .models import Exclusion, Relation

G = Exclusion.Ground
WORK_KIND = "work_experience"
# The kinds of record whose co-authorship excludes, with the date field that gives their year.
JOINT_KINDS = {"paper": "published_on", "health_paper": "published_on", "book": "published_on",
               "research_project": "start_date", "standard": "published_on", "patent": "approved_on"}
RELATION_GROUNDS = {Relation.Kind.KIN: G.KIN, Relation.Kind.MENTOR: G.MENTOR, Relation.Kind.OTHER: G.OTHER}


def normalise(text: str) -> str:
    """Title or unit name as compared: full-width folded, lower case, no spaces or punctuation."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or "").lower())


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _periods(records) -> dict[int, list[tuple[str, datetime.date, datetime.date, str]]]:
    today = timezone.localdate()
    found = defaultdict(list)
    for r in records:
        start = _date(r.data.get("start_date"))
        if start is None:
            continue
        end = _date(r.data.get("end_date")) or today
        employer = r.data.get("employer", "")
        found[r.owner_id].append((normalise(employer), start, end, employer))
    return found


def _joint(records) -> dict[int, dict[tuple[str, int], tuple[str, bool]]]:
    found = defaultdict(dict)
    for r in records:
        day = _date(r.data.get(JOINT_KINDS[r.kind]))
        title = r.title or r.data.get("title") or r.data.get("name") or ""
        if day is None or not normalise(title):
            continue
        key = (normalise(title), day.year)
        approved = r.status == Status.APPROVED
        previous = found[r.owner_id].get(key)
        found[r.owner_id][key] = (title, approved or bool(previous and previous[1]))
    return found


def grounds(experts, applications) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """{(expert pk, application pk): [(ground, detail), …]} for every pair that must be excluded."""
    people = {e.person_id for e in experts} | {a.applicant_id for a in applications}
    work = _periods(Record.objects.filter(owner_id__in=people, kind=WORK_KIND, status=Status.APPROVED)
                    .only("owner_id", "data"))
    joint = _joint(Record.objects.filter(owner_id__in=people, kind__in=list(JOINT_KINDS),
                                         status__in=[Status.APPROVED, Status.PENDING])
                   .only("owner_id", "kind", "title", "data", "status"))
    relations = defaultdict(list)
    for rel in Relation.objects.filter(Q(expert_person_id__in=people) | Q(other_id__in=people)):
        relations[frozenset((rel.expert_person_id, rel.other_id))].append(rel)
    found = {}
    for e in experts:
        for a in applications:
            why = []
            if e.person_id == a.applicant_id:
                why.append((G.SELF, "专家本人即申报人"))
            else:
                unit_id = e.person.unit_id or e.unit_id  # the person's current unit first
                if unit_id and unit_id == a.unit_id:
                    why.append((G.UNIT, f"现工作单位均为{a.unit.name}"))
                for name, s1, e1, label in work.get(e.person_id, []):
                    match = next(((s2, e2) for n2, s2, e2, _ in work.get(a.applicant_id, [])
                                  if n2 == name and s1 <= e2 and s2 <= e1), None)
                    if match:
                        start, end = max(s1, match[0]), min(e1, match[1])
                        why.append((G.WORK, f"{start:%Y-%m}至{end:%Y-%m}均在{label}工作"))
                        break
                mine, theirs = joint.get(e.person_id, {}), joint.get(a.applicant_id, {})
                for key in sorted(set(mine) & set(theirs)):
                    if mine[key][1] or theirs[key][1]:  # approved in either dossier
                        why.append((G.COAUTHOR, f"共同完成《{mine[key][0]}》（{key[1]}年）"))
                        break
                for rel in relations.get(frozenset((e.person_id, a.applicant_id)), []):  # declared by either
                    why.append((RELATION_GROUNDS[rel.kind], rel.note or rel.get_kind_display()))
            if why:
                found[(e.pk, a.pk)] = why
    return found


def compute(experts, applications) -> list[tuple]:
    """(expert, application, ground, detail) for every exclusion among `experts` × `applications`."""
    experts, applications = list(experts), list(applications)
    by_expert, by_application = {e.pk: e for e in experts}, {a.pk: a for a in applications}
    return [(by_expert[e], by_application[a], ground, detail)
            for (e, a), found in grounds(experts, applications).items() for ground, detail in found]
