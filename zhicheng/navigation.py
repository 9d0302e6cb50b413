"""The role-aware navigation: which entries each role sees. It names pages of every app, so it lives in the
project package, above them all."""

from dataclasses import dataclass

from accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    roles: frozenset
    public_institutions_only: bool = False  # 岗位核准 applies to public institutions (事业单位) only
    withdrawal: bool = False  # 撤回: only where the province's catalogue allows it (Anhui's does not)


NAV = [
    NavItem("首页", "home", "house", frozenset(Role.values)),
    NavItem("个人信息", "accounts:profile", "person-vcard", frozenset({Role.APPLICANT})),
    NavItem("个人业绩库", "dossier:home", "journal-bookmark", frozenset({Role.APPLICANT})),
    NavItem("职称申报", "applications:home", "file-earmark-text", frozenset({Role.APPLICANT})),
    NavItem("撤回记录", "dossier:withdrawals", "arrow-counterclockwise", frozenset({Role.APPLICANT}),
            withdrawal=True),
    NavItem("单位首页", "review:unit_home", "building", frozenset({Role.UNIT_ADMIN})),
    NavItem("任务中心", "review:tasks", "list-check", frozenset({Role.UNIT_ADMIN})),
    NavItem("职称申报审核", "chain:unit", "file-earmark-check", frozenset({Role.UNIT_ADMIN})),
    NavItem("评审计划", "chain:unit_plans", "calendar3", frozenset({Role.UNIT_ADMIN})),
    NavItem("业绩档案", "review:records_home", "folder2-open", frozenset({Role.UNIT_ADMIN})),
    NavItem("撤回申请", "review:withdrawals", "arrow-counterclockwise", frozenset({Role.UNIT_ADMIN}),
            withdrawal=True),
    NavItem("人员注册审核", "accounts:staff_registrations", "person-check", frozenset({Role.UNIT_ADMIN})),
    NavItem("单位信息", "orgs:unit_info", "info-square", frozenset({Role.UNIT_ADMIN})),
    NavItem("岗位核准信息", "orgs:quotas", "clipboard-check", frozenset({Role.UNIT_ADMIN}), True),
    NavItem("主管部门审核", "chain:department", "file-earmark-check", frozenset({Role.DEPARTMENT_REVIEWER})),
    NavItem("所属单位统计", "dossier:department_stats", "bar-chart", frozenset({Role.DEPARTMENT_REVIEWER})),
    NavItem("职称资格审查", "chain:bureau", "patch-check", frozenset({Role.BUREAU_STAFF})),
    NavItem("评委会接收", "chain:committee", "inbox", frozenset({Role.COMMITTEE_STAFF})),
    NavItem("答辩安排", "chain:defences", "calendar-event", frozenset({Role.COMMITTEE_STAFF})),
    NavItem("结果公示", "publicity:office", "megaphone-fill", frozenset({Role.COMMITTEE_STAFF, Role.BUREAU_STAFF})),
    NavItem("职称资讯", "orgs:announcements", "megaphone", frozenset(Role.values)),
    NavItem("评委会与评审计划", "applications:plans", "calendar-check", frozenset({Role.BUREAU_STAFF})),
    NavItem("新建内置单位", "orgs:builtin_unit_new", "building-add", frozenset({Role.BUREAU_STAFF})),
    NavItem("评审统计", "chain:stats", "graph-up", frozenset({Role.BUREAU_STAFF, Role.DEPARTMENT_REVIEWER,
                                                                    Role.UNIT_ADMIN})),
    NavItem("全省检索", "lookup:search", "search", frozenset({Role.BUREAU_STAFF, Role.DEPARTMENT_REVIEWER,
                                                                  Role.UNIT_ADMIN})),
    NavItem("电子证书管理", "certificates:bureau", "award", frozenset({Role.BUREAU_STAFF})),
    NavItem("审计日志", "accounts:audit_log", "journal-text", frozenset({Role.SYSTEM_ADMIN})),
    NavItem("专家库", "experts:pool", "people", frozenset({Role.COMMITTEE_STAFF})),
    NavItem("专家抽取", "experts:draws", "shuffle", frozenset({Role.COMMITTEE_STAFF})),
    NavItem("评审任务", "experts:console", "clipboard-data", frozenset({Role.EXPERT})),
    NavItem("评审服务记录", "experts:service", "award", frozenset({Role.EXPERT})),
    NavItem("评审意见反馈", "experts:feedback", "chat-left-text", frozenset({Role.APPLICANT})),
    NavItem("利害关系声明", "experts:relations", "person-lines-fill", frozenset({Role.APPLICANT})),
    NavItem("二次验证重置", "accounts:second_factor_accounts", "shield-lock",
            frozenset({Role.BUREAU_STAFF, Role.SYSTEM_ADMIN})),
    NavItem("登录安全", "accounts:security", "shield-check", frozenset({Role.APPLICANT})),
    NavItem("修改密码", "accounts:password_change", "key", frozenset(Role.values)),
]


def nav_for(roles: set[str], administers_public_institution: bool = True, withdrawal: bool = True) -> list[NavItem]:
    return [item for item in NAV if item.roles & roles
            and (administers_public_institution or not item.public_institutions_only)
            and (withdrawal or not item.withdrawal)]
