"""评审统计 per plan for HR bureaux (their region), competent departments (their units) and units (their own
applications, and those of units that delegated their review to them): filed applications by
status, stage, series and level, and the pass rate; the days each review node took (median and p90 of the time
between arriving at the node and its decision), the backlog waiting at each node now, and the records 审核中 per
unit. Every figure is filtered by the viewer's scope (the same rules
as their review desks, review.scopes), in a fixed number of queries."""

import math
import statistics
from dataclasses import dataclass, replace

from django.db.models import Count, Q
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import Role
from core.excel import workbook_bytes
from core.exports import watermark
from core.models import FlowEntry
from dossier.models import Record
from dossier.models import Status as RecordStatus
from review import scopes
from review.stages import stages
from review.subjects import SUBJECTS

from .models import Application

STATS_ROLES = (Role.BUREAU_STAFF, Role.DEPARTMENT_REVIEWER, Role.UNIT_ADMIN)
PASSED = (Application.Status.PASSED, Application.Status.CONFIRMED)
# A record is reviewed by its unit only, so its subject type declares the unit path alone; its statistics are
# read by departments and bureaux too, through the record's unit (the same paths an application declares).
RECORD_PATHS = {"unit": "unit", "department": "unit__department", "region": "unit__region"}
# What moves a subject onto a stage: its submission, or the decision of the stage before.
ARRIVALS = ("submit",)


def stats_scope(user, subject: str = "application") -> Q | None:
    """The applications (or records) the user's statistics cover (None: no role that has statistics)."""
    subject_type = SUBJECTS[subject]
    if subject == "record":
        subject_type = replace(subject_type, paths=RECORD_PATHS)
    reached = [q for role in STATS_ROLES if (q := scopes.reach(user, role, subject_type)) is not None]
    if not reached:
        return None
    combined = reached[0]
    for q in reached[1:]:
        combined |= q
    return combined


@dataclass
class PlanStats:
    total: int
    by_status: list  # [(label, n)]
    by_stage: list
    by_series_level: list  # [(series, level, n)]
    decided: int
    passed: int
    durations: list = ()  # [(stage label, decisions, median days, p90 days)]
    backlog: list = ()  # [(stage label, waiting)]
    pending_by_unit: list = ()  # [(unit name, records 审核中)]

    @property
    def pass_rate(self) -> str:
        return f"{self.passed * 100 / self.decided:.1f}%" if self.decided else "—"


def plan_stats(user, plan) -> PlanStats:
    """Six queries: status counts, stage counts, series × level counts (drafts are not filed: left out), the flow
    of the plan's applications (node durations), the records waiting at their unit, and those per unit."""
    scope = stats_scope(user)
    if scope is None:
        return PlanStats(0, [], [], [], 0, 0)
    rows = Application.objects.filter(scope, plan=plan).exclude(status=Application.Status.DRAFT).order_by()
    statuses = dict(rows.values_list("status").annotate(n=Count("pk")))
    labels = dict(Application.Status.choices)
    by_status = [(labels[key], statuses[key]) for key in labels if statuses.get(key)]
    waiting = dict(rows.filter(status__in=[Application.Status.SUBMITTED, Application.Status.ACCEPTED])
                   .values_list("stage").annotate(n=Count("pk")))
    by_stage = [(stage.label, waiting[key]) for key, stage in stages().stages.items() if waiting.get(key)]
    by_series_level = list(rows.values_list("series", "level").annotate(n=Count("pk")).order_by("series", "level"))
    passed = sum(statuses.get(s, 0) for s in PASSED)
    pending_by_unit = records_pending_by_unit(user)
    backlog = [(f"业绩·{stages().get('record_unit').label}", sum(n for _, n in pending_by_unit))] if pending_by_unit \
        else []
    return PlanStats(total=sum(statuses.values()), by_status=by_status, by_stage=by_stage,
                     by_series_level=by_series_level, decided=passed + statuses.get(Application.Status.FAILED, 0),
                     passed=passed, durations=node_durations(rows), backlog=backlog + by_stage,
                     pending_by_unit=pending_by_unit)


def stats_rows(figures: PlanStats) -> int:
    """The rows of the exported tables (what the audit counts)."""
    return 1 + sum(len(rows) for rows in (figures.by_status, figures.by_stage, figures.by_series_level,
                                          figures.durations, figures.backlog, figures.pending_by_unit))


def charts(figures: PlanStats) -> dict:
    """The data of the page's charts (each drawn beside a table holding the same numbers)."""
    return {
        "status": {"labels": [label for label, _ in figures.by_status],
                   "series": [{"label": "人数", "values": [n for _, n in figures.by_status]}]},
        "durations": {"labels": [row[0] for row in figures.durations],
                      "series": [{"label": "中位数（天）", "values": [row[2] for row in figures.durations]},
                                 {"label": "90%分位（天）", "values": [row[3] for row in figures.durations]}]},
        "backlog": {"labels": [label for label, _ in figures.backlog],
                    "series": [{"label": "件数", "values": [n for _, n in figures.backlog]}]},
        "units": {"labels": [name for name, _ in figures.pending_by_unit],
                  "series": [{"label": "条数", "values": [n for _, n in figures.pending_by_unit]}]},
    }


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def node_durations(applications) -> list:
    """Days between an application's arrival at each node (its submission, or the decision before) and the
    node's decision, as (stage label, decisions, median, p90) in the chain's order. One query over the flow of
    the given applications, walked in Python (the same figures on SQLite and PostgreSQL)."""
    entries = (FlowEntry.objects.filter(subject_type="application", subject_id__in=applications.values("pk"))
               .filter(Q(action__in=ARRIVALS) | Q(decision__isnull=False))
               .order_by("subject_id", "at", "pk").values_list("subject_id", "at", "stage", "decision__pk"))
    days: dict[str, list[float]] = {}
    subject, arrived = None, None
    for subject_id, at, stage, decision in entries.iterator(chunk_size=2000):
        if subject_id != subject:
            subject, arrived = subject_id, None
        if decision is not None and arrived is not None:
            days.setdefault(stage, []).append((at - arrived).total_seconds() / 86400)
        arrived = at
    return [(spec.label, len(days[key]), round(statistics.median(days[key]), 1), round(percentile(days[key], 0.9), 1))
            for key, spec in stages().stages.items() if days.get(key)]


def records_pending_by_unit(user) -> list:
    """(unit name, records 审核中) for each unit within the user's reach that has any, most first."""
    scope = stats_scope(user, "record")
    if scope is None:
        return []
    return list(Record.objects.filter(scope, status=RecordStatus.PENDING).order_by()
                .values_list("unit__name").annotate(n=Count("pk")).order_by("-n", "unit__name"))


def stats_xlsx(plan, figures: PlanStats, *, exporter: str, at) -> bytes:
    """The page's tables as a workbook (no personal data: counts only), its first row and properties naming who
    exported it and when."""
    workbook = Workbook()
    mark = watermark(exporter, at)
    workbook.properties.creator = workbook.properties.lastModifiedBy = exporter
    workbook.properties.description = mark
    sheet = workbook.active
    sheet.title = "评审统计"
    sheet.append([mark])
    sheet.append([f"{plan.name} 评审统计"])
    sheet["A2"].font = Font(bold=True, size=14)
    sheet.append(["已提交申报", figures.total, "通过率", figures.pass_rate])
    for title, rows in (("按状态", figures.by_status), ("按环节（审核中）", figures.by_stage)):
        sheet.append([])
        sheet.append([title, "人数"])
        for row in rows:
            sheet.append(list(row))
    sheet.append([])
    sheet.append(["申报系列", "申报级别", "人数"])
    for row in figures.by_series_level:
        sheet.append(list(row))
    for header, rows in ((["环节用时", "已决定", "中位数（天）", "90%分位（天）"], figures.durations),
                         (["待办积压（按环节）", "件数"], figures.backlog),
                         (["待单位审核的业绩（按单位）", "条数"], figures.pending_by_unit)):
        sheet.append([])
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
    sheet.column_dimensions["A"].width = 24
    return workbook_bytes(workbook)
