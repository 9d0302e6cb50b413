"""结果公示 pages: the public list (/gs/<slug>/, no login) with its objection form and the objector's receipt; the
committee office's lists, publishing, objections and their decisions; the bureau's 一键确认 of a list's clean
results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.audit import personal_numbers_viewed
from accounts.models import Role
from accounts.roles import role_names
from accounts.sms import SmsError, sms_code_check
from core.files import StorageError, stored_file_response
from core.flow import flow_for
from core.models import FlowAttachment

from . import selectors, services
from .forms import EVIDENCE, DecideForm, ObjectionForm, PublishForm
from .models import Objection, Publicity

# ---------------------------------------------------------------- public pages


def public(request, slug):
    publicity = selectors.public(slug)
    if publicity is None:
        raise Http404
    entries = list(publicity.entries.all())
    return render(request, "publicity/public.html", {"publicity": publicity, "entries": entries})


def object_form(request, slug):
    publicity = selectors.public(slug)
    if publicity is None:
        raise Http404
    entries = list(publicity.entries.filter(application__status="passed"))
    if not publicity.running():
        return render(request, "publicity/object_closed.html", {"publicity": publicity})
    form = ObjectionForm(request.POST or None, request.FILES or None, request=request, entries=entries,
                         initial={"entry": request.GET.get("entry", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = next(e for e in entries if e.pk == data["entry"])
        try:
            # Checked first outside the transaction, so that a wrong try is counted (accounts.sms).
            sms_code_check(phone=data["phone"], purpose="objection", code=data["sms_code"], consume=False)
            objection = services.objection_file(entry=entry, name=data["name"], phone=data["phone"],
                                                sms_code=data["sms_code"], text=data["text"],
                                                files=form.files_checked)
        except SmsError as error:
            form.add_error("sms_code", str(error))
        except StorageError as error:
            form.add_error("attachment", str(error))
        except services.PublicityError as error:
            form.add_error(None, str(error))
        else:
            return redirect("gs:receipt", token=objection.token)
    return render(request, "publicity/object.html", {"publicity": publicity, "form": form,
                                                     "evidence": EVIDENCE})


def receipt(request, token):
    """The objector's page (its unguessable address is shown once filed): what was filed and the outcome."""
    objection = Objection.objects.filter(token=token).select_related("entry", "entry__publicity").first()
    if objection is None:
        raise Http404
    return render(request, "publicity/receipt.html", {"objection": objection})


# ---------------------------------------------------------------- the office


@login_required
def office(request):
    plans = list(selectors.plans_to_publish(request.user)
                 .annotate(waiting=Count("applications", filter=Q(applications__status="passed",
                                                                  applications__publicity_entry__isnull=True))))
    if not role_names(request.user) & {Role.COMMITTEE_STAFF, Role.BUREAU_STAFF}:
        raise Http404
    publicities = selectors.publicities_listed(request.user)
    return render(request, "publicity/office.html", {"plans": plans, "publicities": publicities})


@login_required
def publish(request, plan_pk):
    plan = selectors.plans_to_publish(request.user).filter(pk=plan_pk).first()
    if plan is None:
        raise Http404
    waiting = list(selectors.unpublished(plan))
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publicity = services.publicity_publish(actor=request.user, plan=plan, starts_on=data["starts_on"],
                                                   days=data["days"], contact=data["contact"], title=data["title"])
        except services.PublicityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已发布公示，公示期至{publicity.ends_on:%Y-%m-%d}。")
            return redirect("publicity:detail", pk=publicity.pk)
    return render(request, "publicity/publish.html", {"plan": plan, "waiting": waiting, "form": form})


@login_required
def detail(request, pk):
    publicity = selectors.publicities_for(request.user).filter(pk=pk).first()
    if publicity is None:
        raise Http404
    entries = list(publicity.entries.select_related("application").annotate(
        open_objections=Count("objections", filter=Q(objections__status__in=Objection.OPEN)),
        objection_count=Count("objections")))
    manages = selectors.manages(request.user, publicity)
    objections = (list(selectors.objections_for(request.user).filter(entry__publicity=publicity))
                  if manages else [])
    return render(request, "publicity/detail.html", {
        "publicity": publicity, "entries": entries, "objections": objections, "manages": manages,
        "confirms": selectors.confirmable(request.user).filter(publicity_entry__publicity=publicity).exists()})


@login_required
def objection(request, pk):
    found = selectors.objections_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_decide(actor=request.user, objection_id=found.pk,
                                      decision=form.cleaned_data["decision"], text=form.cleaned_data["text"])
        except services.PublicityError as error:
            form.add_error("text", str(error))
        except Objection.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, "已办理。")
            return redirect("publicity:objection", pk=found.pk)
    personal_numbers_viewed(request, f"objection:{found.pk}")
    return render(request, "publicity/objection.html", {
        "objection": found, "form": form, "flow": flow_for(subject_type="objection", subject_id=found.pk)})


@login_required
def objection_file(request, pk, attachment_pk):
    found = selectors.objections_for(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    attachment = FlowAttachment.objects.filter(pk=attachment_pk, entry__subject_type="objection",
                                               entry__subject_id=found.pk).first()
    if attachment is None:
        raise Http404
    return stored_file_response(attachment.file, name=attachment.name, content_type=attachment.content_type)


@login_required
@require_POST
def confirm_clean(request, pk):
    try:
        confirmed, skipped = services.publicity_confirm_clean(actor=request.user, publicity_id=pk)
    except services.PublicityError as error:
        messages.error(request, str(error))
    except Publicity.DoesNotExist:
        raise Http404 from None
    else:
        messages.success(request, f"已确认{len(confirmed)}人的评审结果并生成证书编号。")
        for line in skipped:
            messages.warning(request, f"未确认：{line}")
    return redirect("publicity:detail", pk=pk)
