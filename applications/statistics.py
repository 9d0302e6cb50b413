"""评审统计 per plan for HR bureaux (their region), competent departments (their units) and units (their own
applications, and those of units that delegated their review to them): filed applications by
status, stage, series and level, and the pass rate. Every figure is filtered by the viewer's scope (the same rules
as their review desks, review.scopes), in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Q
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import Role
from core.excel import workbook_bytes
from review import scopes
from review.stages import stages
from review.subjects import SUBJECTS

from .models import Application

STATS_ROLES = (Role.BUREAU_STAFF, Role.DEPARTMENT_REVIEWER, Role.UNIT_ADMIN)
PASSED = (Application.Status.PASSED, Application.Status.CONFIRMED)


def stats_scope(user) -> Q | None:
    """The applications the user's statistics cover (None: no role that has statistics)."""
    subject_type = SUBJECTS["application"]
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

    @property
    def pass_rate(self) -> str:
        return f"{self.passed * 100 / self.decided:.1f}%" if self.decided else "—"


def plan_stats(user, plan) -> PlanStats:
    """Three queries: status counts, stage counts, series × level counts (drafts are not filed: left out)."""
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
    return PlanStats(total=sum(statuses.values()), by_status=by_status, by_stage=by_stage,
                     by_series_level=by_series_level, decided=passed + statuses.get(Application.Status.FAILED, 0),
                     passed=passed)


def stats_xlsx(plan, figures: PlanStats) -> bytes:
    """The page's tables as a workbook (no personal data: counts only)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评审统计"
    sheet.append([f"{plan.name} 评审统计"])
    sheet["A1"].font = Font(bold=True, size=14)
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
    sheet.column_dimensions["A"].width = 24
    return workbook_bytes(workbook)
