"""Pages of the committee office (专家库, 专家抽取 with exclusions, replacements, progress counts, 结束表决) and of
the expert (评审任务: 承诺, the assigned applications as frozen snapshots with their prints, scoring, the secret
ballot). Every read goes through experts.selectors, which answer 404 outside the reader's reach."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.models import Role
from accounts.roles import role_names
from applications import responses
from applications.display import snapshot_sections
from core.excel import ExcelError
from core.paging import per_page

from . import selectors, services
from .forms import CommitForm, DrawForm, PoolAddForm, ReasonForm, RelationForm, VoteForm, score_form
from .models import Assignment, BallotMark, Exclusion, Expert, Feedback, Relation, Score

PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _office(request):
    """The committee office alone (its committees): 404 for everyone else."""
    committees = selectors.committees_of(request.user)
    if not committees.exists():
        raise Http404
    return committees


@login_required
def pool(request):
    """专家库: the office's experts (masked numbers), add one, import the template (all or nothing)."""
    committees = _office(request)
    form = PoolAddForm(committees=committees, initial={"committee": committees.first()})
    outcome, file_error = None, ""
    if request.method == "POST" and request.POST.get("action") == "import":
        committee = committees.filter(pk=request.POST.get("committee") or 0).first()
        upload = request.FILES.get("file")
        if committee is None:
            file_error = "请选择评委会。"
        elif upload is None:
            file_error = "请选择要导入的专家库文件（.xlsx）。"
        else:
            try:
                outcome = services.experts_import(actor=request.user, committee=committee, upload=upload)
            except ExcelError as error:
                file_error = str(error)
            else:
                if not outcome.errors:
                    messages.success(request, f"已导入{outcome.created}位专家。")
                    return redirect("experts:pool")
    elif request.method == "POST":
        form = PoolAddForm(request.POST, committees=committees)
        if form.is_valid():
            expert = services.expert_add(actor=request.user, committee=form.cleaned_data["committee"],
                                         data=form.cleaned_data)
            messages.success(request, f"已将{expert.person.name}加入专家库。")
            return redirect("experts:pool")
    q = request.GET.get("q", "").strip()[:50]
    page = Paginator(selectors.pool(request.user, q), per_page(request, PAGE_SIZE)).get_page(request.GET.get("page"))
    return render(request, "experts/pool.html", {"form": form, "page": page, "q": q, "committees": committees,
                                                 "outcome": outcome, "file_error": file_error,
                                                 "statuses": Expert.Status.choices})


@login_required
def pool_template(request):
    _office(request)
    return responses.download(services.import_template(), XLSX, "专家库导入模板.xlsx")


@login_required
def expert_status(request, pk):
    _office(request)
    if request.method == "POST":
        try:
            expert = services.expert_status_set(actor=request.user, expert_id=pk, status=request.POST.get("status"))
        except services.ExpertError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{expert.person.name}：{expert.get_status_display()}。")
    return redirect("experts:pool")


@login_required
def draws(request):
    """专家抽取: the office's draws and a new one."""
    _office(request)
    plans = selectors.plans_of(request.user).order_by("-year", "pk")
    form = DrawForm(plans=plans)
    error = ""
    if request.method == "POST":
        form = DrawForm(request.POST, plans=plans)
        if form.is_valid():
            data = form.cleaned_data
            try:
                draw = services.draw_make(actor=request.user, plan_id=data["plan"].pk, group=data["group"],
                                          size=data["size"], reserves=data["reserves"],
                                          meeting_on=data["meeting_on"])
            except services.ExpertError as exc:
                error = str(exc)
            else:
                messages.success(request, f"已抽取{draw.group}评审组（随机种子{draw.seed}）。")
                return redirect("experts:draw", pk=draw.pk)
    found = selectors.draws_of(request.user).order_by("-drawn_at", "-pk")
    page = Paginator(found, per_page(request, PAGE_SIZE)).get_page(request.GET.get("page"))
    return render(request, "experts/draws.html", {"form": form, "page": page, "error": error})


@login_required
def draw(request, pk):
    """One draw: seed and snapshot, members and reserves, exclusions with their grounds, the 7-day rule, the
    progress as counts, and the office's actions (谢绝 with a replacement, 撤销回避 with a reason, 结束表决)."""
    found = selectors.draw_for_office(request.user, pk)
    assignments = list(Assignment.objects.filter(draw=found).select_related("expert__person", "expert__unit",
                                                                            "replaces__expert__person"))
    exclusions = list(Exclusion.objects.filter(draw=found).select_related("expert__person", "application__applicant",
                                                                          "overridden_by"))
    return render(request, "experts/draw.html", {
        "draw": found, "assignments": assignments, "exclusions": exclusions, "late": services.late(found),
        "progress": selectors.progress(found), "draw_min_days": settings.DRAW_MIN_DAYS,
        "feedback_mode": settings.EXPERT_FEEDBACK,
        "released": set(Feedback.objects.filter(application_id__in=found.application_ids)
                        .values_list("application_id", flat=True)),
    })


@login_required
def draw_snapshot(request, pk):
    """The draw's seed and pool snapshot as JSON, to repeat it (experts.draws.repeat)."""
    found = selectors.draw_for_office(request.user, pk)
    return responses.download(
        json.dumps({"seed": found.seed, "size": found.size, "reserves": found.reserves,
                                  "snapshot": found.snapshot}, ensure_ascii=False).encode(),
        "application/json", f"抽取记录{found.pk}.json")


def _post_reason(request):
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@login_required
def assignment_decline(request, pk):
    """谢绝: a member declines with the reason; the first reserve takes the seat."""
    _office(request)
    assignment = selectors.assignment_for_office(request.user, pk)
    if request.method == "POST":
        try:
            reserve = services.assignment_decline(actor=request.user, assignment_id=pk, reason=_post_reason(request))
        except services.ExpertError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{assignment.expert.person.name}已谢绝；"
                             + (f"由候补专家{reserve.expert.person.name}递补。" if reserve else "已无候补专家可递补。"))
    return redirect("experts:draw", pk=assignment.draw_id)


@login_required
def exclusion_override(request, pk):
    """撤销回避: only with a recorded reason."""
    _office(request)
    exclusion = selectors.exclusion_for_office(request.user, pk)
    if request.method == "POST":
        try:
            services.exclusion_override(actor=request.user, exclusion_id=pk, reason=_post_reason(request))
        except services.ExpertError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"已撤销{exclusion.expert.person.name}的回避，理由已记录。")
    return redirect("experts:draw", pk=exclusion.draw_id)


@login_required
def ballot_close(request, pk):
    """结束表决: the meeting closes and each tally goes to the committee's result step."""
    _office(request)
    found = selectors.draw_for_office(request.user, pk)
    if request.method == "POST":
        try:
            outcome = services.ballot_close(actor=request.user, draw_id=pk)
        except services.ExpertError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"表决已结束：通过{outcome.passed}人，不通过{outcome.failed}人。")
            for application_id, message in outcome.invalid:
                messages.error(request, f"申报编号{application_id}：{message}请在评委会评审页面录入纸质表决结果。")
    return redirect("experts:draw", pk=found.pk)


# ---------------------------------------------------------------- the expert's console


def _expert_or_404(request):
    if Role.EXPERT not in role_names(request.user):
        raise Http404
    return selectors.my_assignments(request.user)


@login_required
def console(request):
    """评审任务: the open meetings the expert serves on."""
    return render(request, "experts/console.html", {"assignments": list(_expert_or_404(request))})


@login_required
def meeting(request, draw_pk):
    """One meeting: 承诺 first, then the applications the expert is not excluded from."""
    assignment = selectors.my_assignment(request.user, draw_pk)
    form = CommitForm()
    if request.method == "POST":
        form = CommitForm(request.POST)
        if form.is_valid():
            services.commit(actor=request.user, draw_id=draw_pk)
            messages.success(request, "已签署承诺，可以开始评审。")
            return redirect("experts:meeting", draw_pk=draw_pk)
    applications = list(selectors.my_applications(assignment)) if assignment.committed_at else []
    scored = set(Score.objects.filter(assignment=assignment).values_list("application_id", flat=True))
    voted = set(BallotMark.objects.filter(draw=assignment.draw, expert=assignment.expert)
                .values_list("application_id", flat=True))
    for application in applications:
        application.scored, application.voted = application.pk in scored, application.pk in voted
    return render(request, "experts/meeting.html", {"assignment": assignment, "draw": assignment.draw,
                                                    "form": form, "applications": applications})


@login_required
def review(request, draw_pk, pk):
    """An assigned application as its frozen snapshot, with the scoring sheet, the ballot and 申请回避."""
    assignment, application = selectors.my_application(request.user, draw_pk, pk)
    criteria = services.criteria_for(application.series)
    score = Score.objects.filter(assignment=assignment, application=application).first()
    initial = ({f"c_{k}": v for k, v in score.points.items()} | {"opinion": score.opinion}) if score else None
    sheet, ballot, aside = score_form(criteria, initial=initial), VoteForm(), ReasonForm()
    voted = BallotMark.objects.filter(draw=assignment.draw, application=application,
                                      expert=assignment.expert).exists()
    action = request.POST.get("action") if request.method == "POST" else ""
    try:
        if action == "score":
            sheet = score_form(criteria, data=request.POST)
            if sheet.is_valid():
                points = {item["key"]: sheet.cleaned_data[f"c_{item['key']}"] for item in criteria}
                services.score_save(actor=request.user, draw_id=draw_pk, application_id=pk, points=points,
                                    opinion=sheet.cleaned_data["opinion"])
                messages.success(request, "评分和评审意见已保存。")
                return redirect("experts:review", draw_pk=draw_pk, pk=pk)
        elif action == "vote":
            ballot = VoteForm(request.POST)
            if ballot.is_valid():
                services.vote_cast(actor=request.user, draw_id=draw_pk, application_id=pk,
                                   choice=ballot.cleaned_data["choice"])
                messages.success(request, "已投票。表决内容不记录投票人。")
                return redirect("experts:meeting", draw_pk=draw_pk)
        elif action == "aside":
            aside = ReasonForm(request.POST)
            if aside.is_valid():
                services.step_aside(actor=request.user, draw_id=draw_pk, application_id=pk,
                                    reason=aside.cleaned_data["reason"])
                messages.success(request, "已申请回避，该申报不再向您显示。")
                return redirect("experts:meeting", draw_pk=draw_pk)
    except services.ExpertError as error:
        messages.error(request, str(error))
        return redirect("experts:review", draw_pk=draw_pk, pk=pk)
    return render(request, "experts/review.html", {
        "assignment": assignment, "draw": assignment.draw, "application": application,
        "account": application.snapshot["account"], "sections": snapshot_sections(application),
        "sheet": sheet, "ballot": ballot, "aside": aside, "voted": voted, "score": score,
    })


@login_required
@xframe_options_sameorigin
def review_file(request, draw_pk, pk, file_pk):
    _assignment, application = selectors.my_application(request.user, draw_pk, pk)
    return responses.application_file(application, file_pk)


@login_required
def review_print(request, draw_pk, pk, kind):
    _assignment, application = selectors.my_application(request.user, draw_pk, pk)
    return responses.print_response(request, application, kind,
                                    back_url=reverse("experts:review", args=[draw_pk, pk]))


@login_required
def feedback_release(request, pk, application_pk):
    """发布评审意见 to a failed applicant (anonymised; settings.EXPERT_FEEDBACK)."""
    _office(request)
    found = selectors.draw_for_office(request.user, pk)
    if request.method == "POST":
        try:
            services.feedback_release(actor=request.user, draw_id=pk, application_id=application_pk,
                                      summary=request.POST.get("summary", ""))
        except services.ExpertError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已向申报人发布评审意见（不含专家姓名）。")
    return redirect("experts:draw", pk=found.pk)


@login_required
def feedback(request):
    """评审意见反馈: the applicant's own released feedback."""
    released = (Feedback.objects.filter(application__applicant=request.user)
                .select_related("application__plan").order_by("-released_at"))
    return render(request, "experts/feedback.html", {"released": released})


@login_required
def service(request):
    """评审服务记录: the expert's closed meetings and the certificate of service."""
    if Role.EXPERT not in role_names(request.user):
        raise Http404
    return render(request, "experts/service.html", {"rows": services.service_record(request.user)})


@login_required
def service_certificate(request):
    if Role.EXPERT not in role_names(request.user):
        raise Http404
    try:
        content = services.service_certificate(request.user)
    except services.ExpertError as error:
        messages.error(request, str(error))
        return redirect("experts:service")
    return responses.download(content, "application/pdf", f"评审服务证明-{request.user.name}.pdf")


@login_required
def relations(request):
    """利害关系声明: a person (an expert or an applicant) declares a relation with another registered person;
    the draw excludes the expert from the other's applications on that ground."""
    if request.user.kind != request.user.Kind.PERSON:
        raise Http404
    form = RelationForm()
    if request.method == "POST":
        form = RelationForm(request.POST)
        if form.is_valid():
            try:
                services.relation_declare(actor=request.user, expert_person=request.user,
                                          other=form.cleaned_data["other"], kind=form.cleaned_data["kind"],
                                          note=form.cleaned_data["note"])
            except services.ExpertError as error:
                form.add_error("id_number", str(error))
            else:
                messages.success(request, "已登记利害关系，专家抽取时将据此回避。")
                return redirect("experts:relations")
    declared = (Relation.objects.filter(declared_by=request.user).select_related("other", "expert_person")
                .order_by("-declared_at"))
    return render(request, "experts/relations.html", {"form": form, "declared": declared})
