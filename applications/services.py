"""Writes for applications. Each docstring says who may call it; every check lives here, not in views."""

import copy
import datetime
import hashlib
import json
import secrets

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Role
from core.files import FileStore
from core.flow import flow_write
from core.uploads import CheckedFile
from dossier.models import Record
from dossier.models import Status as RecordStatus
from review import engine

from .models import Application, ApplicationFile, Citation, Committee, Plan
from .precheck import precheck, years_between
from .sections import SectionSpec, sections
from .selectors import bureau_committees

SUBJECT = "application"


class ApplicationError(Exception):
    """A refused action, with a Chinese message for the applicant."""


def _section_data(application: Application, section: SectionSpec) -> dict:
    return application.data.setdefault(section.key, {"values": {}, "rows": [], "groups": {}})


def application_start(*, actor, plan: Plan, series: str, level: str, form: str = "常规申报") -> Application:
    """An approved applicant opens (or reopens) their application for an open plan. One per person and plan:
    a second call, a double click or a parallel request returns the same application."""
    existing = Application.objects.filter(applicant=actor, plan=plan).first()
    if existing:
        return existing
    if actor.kind != actor.Kind.PERSON or not actor.is_approved or actor.unit_id is None:
        raise ApplicationError("只有单位审核通过的个人用户才能申报职称。")
    if not plan.is_open():
        raise ApplicationError("该评审计划不在申报时间内。")
    if series not in plan.series:
        raise ApplicationError("该评审计划不受理所选的申报系列。")
    if level not in plan.levels:
        raise ApplicationError("该评审计划不受理所选的申报级别。")
    if form not in (plan.forms or ["常规申报"]):
        raise ApplicationError("该评审计划不受理所选的申报形式。")
    if Application.objects.filter(applicant=actor, plan__year=plan.year,
                                  status=Application.Status.TERMINATED).exists():
        raise ApplicationError(f"您的{plan.year}年度申报已被单位终止，本年度不能再申报。")
    try:
        with transaction.atomic():
            application = Application.objects.create(applicant=actor, plan=plan, unit=actor.unit, series=series,
                                                     level=level, form=form)
            flow_write(subject_type=SUBJECT, subject_id=application.pk, actor=actor, role=Role.APPLICANT.label,
                       action="create", label="新增", to_status=application.status)
    except IntegrityError:
        return Application.objects.get(applicant=actor, plan=plan)
    return application


def _locked_editable(actor, application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.applicant_id != actor.pk:
        raise PermissionDenied
    if not locked.editable:
        raise ApplicationError("申报已提交，不能修改。")
    return locked


def _store_files(store: FileStore, application, section: str, slot: str, files, row_id: str = "") -> None:
    for checked in files:
        item = ApplicationFile(application=application, section=section, slot=slot, row_id=row_id,
                               name=checked.name, size=checked.size, content_type=checked.content_type)
        store.save(item.file, checked.name, checked.upload)
        item.save()


def section_save(*, actor, application: Application, section: SectionSpec, values: dict,
                 slot_files: dict[str, list[CheckedFile]] | None = None) -> Application:
    """The applicant saves a fields section (保存 at any time; nothing is required until submission).
    StorageError (core.files) when the storage refuses a file: nothing is saved."""
    with transaction.atomic(), FileStore() as store:
        locked = _locked_editable(actor, application)
        if section.key == "qualification":
            values = _with_derived_years(locked, values)
        values = {**values, **sections().echoed(section, locked.data)}
        _section_data(locked, section)["values"] = values
        for slot, files in (slot_files or {}).items():
            _store_files(store, locked, section.key, slot, files)
        locked.save(update_fields=["data", "updated_at"])
    return locked


# 资历信息's three 年限 (seed 004 §4): left empty, each is computed from its date up to the plan's closing date.
DERIVED_YEARS = {"years_since_title": ("qualification", "title_obtained"),
                 "years_in_post": ("qualification", "appointed_on"),
                 "years_in_profession": ("basic", "work_start")}


def _with_derived_years(application: Application, values: dict) -> dict:
    values = dict(values)
    for key, (section_key, date_key) in DERIVED_YEARS.items():
        source = values if section_key == "qualification" else application.data.get(section_key, {}).get("values", {})
        if key in values and values[key] in (None, "") and source.get(date_key):
            values[key] = years_between(datetime.date.fromisoformat(source[date_key]), application.plan.closes_on)
    return values


def _check_row_limits(section: SectionSpec, rows: list[dict], new: dict) -> None:
    if section.max_rows and len(rows) >= section.max_rows:
        raise ApplicationError(f"{section.label}最多{section.max_rows}条。")
    if section.one_per_year_last:
        year = new.get("year")
        if any(str(r["values"].get("year")) == str(year) for r in rows):
            raise ApplicationError(f"{section.label}每个年度只填一条，{year}年度已有。")
    if section.at_most_one:
        key = section.at_most_one["field"]
        value = new.get(key)
        if value in section.at_most_one["values"] and any(r["values"].get(key) == value for r in rows):
            raise ApplicationError(section.at_most_one["message"])


def row_add(*, actor, application: Application, section: SectionSpec, values: dict,
            files: list[CheckedFile] = (), group: str = "") -> dict:
    """The applicant adds a row by hand (where the dossier has no such record). StorageError (core.files) when
    the storage refuses a file: nothing is added."""
    with transaction.atomic(), FileStore() as store:
        locked = _locked_editable(actor, application)
        data = _section_data(locked, section)
        rows = data["groups"].setdefault(group, []) if group else data["rows"]
        if group:
            spec = next(g for g in section.groups if g.key == group)
            if len(rows) >= spec.max_rows:
                raise ApplicationError(f"{spec.label}最多{spec.max_rows}条。")
        else:
            _check_row_limits(section, rows, values)
        row = {"id": secrets.token_hex(8), "values": values, "record_id": None}
        rows.append(row)
        if files:
            _store_files(store, locked, section.key, "row", files, row_id=row["id"])
        locked.save(update_fields=["data", "updated_at"])
    return row


def row_update(*, actor, application: Application, section: SectionSpec, row_id: str, values: dict,
               group: str = "") -> dict:
    """The applicant corrects a row, or completes a picked one with what the dossier does not hold (期刊号 of a
    paper); a picked row keeps its citation. The section's limits hold as for a new row."""
    with transaction.atomic():
        locked = _locked_editable(actor, application)
        data = _section_data(locked, section)
        rows = data["groups"].get(group, []) if group else data["rows"]
        row = next((r for r in rows if r["id"] == row_id), None)
        if row is None:
            raise ApplicationError("该条记录不存在。")
        if not group:
            _check_row_limits(section, [r for r in rows if r["id"] != row_id], values)
        row["values"] = values
        locked.save(update_fields=["data", "updated_at"])
    return row


def row_delete(*, actor, application: Application, section: SectionSpec, row_id: str, group: str = "") -> None:
    """The applicant deletes a row, with its citation and its files."""
    with transaction.atomic():
        locked = _locked_editable(actor, application)
        data = _section_data(locked, section)
        rows = data["groups"].get(group, []) if group else data["rows"]
        kept = [r for r in rows if r["id"] != row_id]
        if len(kept) == len(rows):
            raise ApplicationError("该条记录不存在。")
        if group:
            data["groups"][group] = kept
        else:
            data["rows"] = kept
        Citation.objects.filter(application=locked, section=section.key, row_id=row_id).delete()
        for item in ApplicationFile.objects.filter(application=locked, section=section.key, row_id=row_id):
            stored = item.file
            item.delete()
            transaction.on_commit(lambda stored=stored: stored.delete(save=False))
        locked.save(update_fields=["data", "updated_at"])


def rows_pick(*, actor, application: Application, section: SectionSpec, record_ids: list[int]) -> int:
    """The applicant picks approved dossier records of the section's source types; each becomes a row with the
    record's values and a copy of its evidence files. Returns how many rows were added. ApplicationError when
    an evidence file has gone missing from the storage, StorageError (core.files) when the storage refuses a
    copy: nothing is added, and the copies already written are deleted."""
    with FileStore() as store, transaction.atomic():
        locked = _locked_editable(actor, application)
        data = _section_data(locked, section)
        cited = {r.get("record_id") for r in data["rows"]}
        records = list(Record.objects.filter(pk__in=record_ids, owner=actor, kind__in=section.source,
                                             status=RecordStatus.APPROVED).prefetch_related("evidence"))
        if len(records) != len(set(record_ids)):
            raise ApplicationError("只能选择本人审核通过的业绩。")
        added = 0
        for record in sorted(records, key=lambda r: r.pk):
            if record.pk in cited:
                continue
            values = section.row_from_record(record.data)
            _check_row_limits(section, data["rows"], values)
            row = {"id": secrets.token_hex(8), "values": values, "record_id": record.pk}
            data["rows"].append(row)
            Citation.objects.create(application=locked, record=record, section=section.key, row_id=row["id"])
            limit = section.row_attachment.max_count if section.row_attachment else 0
            for evidence in list(record.evidence.all())[:limit]:
                copy_of = ApplicationFile(application=locked, section=section.key, slot="row", row_id=row["id"],
                                          name=evidence.name, size=evidence.size, content_type=evidence.content_type)
                try:
                    with evidence.file.open("rb") as fh:
                        content = fh.read()
                except FileNotFoundError:
                    raise ApplicationError(f"业绩“{record.title}”的佐证材料“{evidence.name}”已不在服务器上，"
                                           "请在业绩库中重新上传后再选择。") from None
                store.save(copy_of.file, evidence.name, ContentFile(content))
                copy_of.save()
            added += 1
        locked.save(update_fields=["data", "updated_at"])
    return added


def snapshot_build(application: Application) -> dict:
    """Everything a reviewer and a print need, frozen: account, plan, sections, the files' descriptions."""
    person = application.applicant
    return {
        "account": {
            "name": person.name, "id_number": person.id_number, "gender": person.get_gender_display(),
            "birth_date": person.birth_date.isoformat() if person.birth_date else "", "phone": person.phone,
            "unit": application.unit.name if application.unit_id else "",
        },
        "plan": {"year": application.plan.year, "name": application.plan.name,
                 "committee": application.plan.committee.name},
        "series": application.series, "level": application.level, "form": application.form,
        "sections": copy.deepcopy(application.data),
        "files": [
            {"id": f.pk, "section": f.section, "slot": f.slot, "row_id": f.row_id, "name": f.name, "size": f.size,
             "content_type": f.content_type}
            for f in application.files.all()
        ],
        "submitted_at": timezone.now().isoformat(),
    }


def snapshot_hash(snapshot: dict) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def application_submit(*, actor, application: Application) -> Application:
    """The applicant submits (提交), first or again after a 退回. Refused while a hard pre-check condition fails.
    The row lock and the status check make twenty parallel clicks file exactly once. The application then enters
    its plan's review chain at its first stage (review.engine.enter)."""
    with transaction.atomic():
        # of=self: lock the application row only (PostgreSQL refuses FOR UPDATE on the nullable unit join).
        locked = Application.objects.select_for_update(of=("self",)).select_related(
            "plan", "plan__committee", "applicant", "unit").get(pk=application.pk)
        if locked.applicant_id != actor.pk:
            raise PermissionDenied
        if not can_proceed(locked.submit):
            raise ApplicationError("申报已提交，请勿重复提交。")
        # The plan's window bounds the first filing only (through its last day, local time); an application
        # returned for correction may be filed again later, as the review goes on after the window.
        if locked.status == Application.Status.DRAFT and not locked.plan.is_open():
            raise ApplicationError(f"本计划的申报已于{locked.plan.closes_on:%Y-%m-%d}截止，不能再提交。")
        problems = [p for p in precheck(locked) if p.hard]
        if problems:
            raise ApplicationError(f"还有{len(problems)}项申报条件未满足：{problems[0].message}")
        from_status = locked.status
        locked.snapshot = snapshot_build(locked)
        locked.submit()
        locked.submitted_at = timezone.now()
        flow_write(subject_type=SUBJECT, subject_id=locked.pk, actor=actor, role=Role.APPLICANT.label,
                   action="submit", label="提交", from_status=from_status, to_status=locked.status)
        engine.enter(locked)
        locked.save()
    return locked


# ---------------------------------------------------------------- HR bureau: plans and committees
# Each change is kept by simple_history (Plan.history, Committee.history) with the acting user (the request's, by
# HistoryRequestMiddleware) and a reason; the plan page lists them.


def _may_manage(actor, committee: Committee) -> None:
    """HR-bureau staff manage their own bureau's committees and plans (a system admin every one)."""
    if not actor.has_perm("applications.manage_plans") or not bureau_committees(actor).filter(
            pk=committee.pk).exists():
        raise PermissionDenied


def _save_with_reason(obj, reason: str) -> None:
    obj._change_reason = reason  # simple_history's documented way to give a history row its reason
    obj.save()


@transaction.atomic
def plan_close(*, actor, plan: Plan) -> Plan:
    """提前截止: the plan stops taking applications now; drafts can no longer be filed."""
    _may_manage(actor, plan.committee)
    if plan.archived_at or plan.closed_at:
        raise ApplicationError("该评审计划已截止或已归档。")
    plan.closed_at = timezone.now()
    _save_with_reason(plan, "提前截止")
    return plan


@transaction.atomic
def plan_reopen(*, actor, plan: Plan) -> Plan:
    """重新开放 a plan closed early, while its own deadline has not passed."""
    _may_manage(actor, plan.committee)
    if plan.archived_at:
        raise ApplicationError("已归档的评审计划不能重新开放。")
    if plan.closed_at is None:
        raise ApplicationError("该评审计划未提前截止，无需重新开放。")
    if timezone.localdate() > plan.closes_on:
        raise ApplicationError(f"申报截止日期（{plan.closes_on:%Y-%m-%d}）已过，不能重新开放；请先修改截止日期。")
    plan.closed_at = None
    _save_with_reason(plan, "重新开放")
    return plan


@transaction.atomic
def plan_remove(*, actor, plan: Plan) -> str:
    """删除 a plan nothing refers to; a plan with applications is archived instead (kept, out of the lists).
    Returns "deleted" or "archived"."""
    _may_manage(actor, plan.committee)
    if plan.applications.exists():
        if plan.archived_at is None:
            plan.archived_at = timezone.now()
            _save_with_reason(plan, "归档（已有申报引用，不能删除）")
        return "archived"
    plan.delete()
    return "deleted"


@transaction.atomic
def committee_close(*, actor, committee: Committee) -> Committee:
    """停用 a committee: no new plan may name it; its plans go on."""
    _may_manage(actor, committee)
    if committee.archived_at or committee.closed_at:
        raise ApplicationError("该评委会已停用或已归档。")
    committee.closed_at = timezone.now()
    _save_with_reason(committee, "停用")
    return committee


@transaction.atomic
def committee_reopen(*, actor, committee: Committee) -> Committee:
    _may_manage(actor, committee)
    if committee.archived_at:
        raise ApplicationError("已归档的评委会不能重新启用。")
    if committee.closed_at is None:
        raise ApplicationError("该评委会未停用。")
    committee.closed_at = None
    _save_with_reason(committee, "重新启用")
    return committee


@transaction.atomic
def committee_remove(*, actor, committee: Committee) -> str:
    """删除 a committee no plan names; otherwise archive it. Returns "deleted" or "archived"."""
    _may_manage(actor, committee)
    if committee.plans.exists():
        if committee.archived_at is None:
            committee.archived_at = timezone.now()
            _save_with_reason(committee, "归档（已有评审计划引用，不能删除）")
        return "archived"
    committee.delete()
    return "deleted"
