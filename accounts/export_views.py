"""The pages of list exports (accounts.exports): the response a list's 导出Excel gets, the reason form of a
full-number export, and the progress page of a long export with its download."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from core.exports import XLSX
from core.files import stored_file_response
from core.http import client_ip

from .exports import EXPORTS, ExportRefused, export_job_get, export_start, file_name
from .models import ExportJob

# Query parameters that are not the list's filters.
NOT_FILTERS = ("format", "page", "kind", "back")


def list_params(query) -> dict:
    return {key: value[:100] for key, value in query.items() if key not in NOT_FILTERS}


def export_response(request, kind: str, *, back_url: str, params: dict | None = None, masked: bool = True,
                    reason: str = "") -> HttpResponse:
    """What a list's 导出Excel answers: the file, or the progress page of a long export, or back to the list with
    the reason it was refused."""
    try:
        result = export_start(actor=request.user, kind=kind, masked=masked, reason=reason,
                              params=list_params(request.GET) if params is None else params,
                              ip=client_ip(request))
    except ExportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(back_url)
    if isinstance(result, ExportJob):
        return redirect("accounts:export_job", pk=result.pk)
    return result


class ReasonForm(forms.Form):
    reason = forms.CharField(label="导出理由", min_length=4, max_length=100, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写导出完整证件号码的理由。",
                                             "min_length": "导出理由至少4个字。",
                                             "max_length": "导出理由不超过100个字。"})


@login_required
def export_unmasked(request, kind: str):
    """导出（含完整证件号码）: the list's filters in the query, a typed reason, then the export (audited)."""
    if kind not in EXPORTS or not request.user.has_perm("accounts.export_unmasked"):
        raise Http404
    params = list_params(request.GET)
    back_url = request.GET.get("back", "")
    if not back_url.startswith("/") or back_url.startswith("//"):
        back_url = reverse("home")
    listing = EXPORTS[kind](request.user, params)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return export_response(request, kind, back_url=request.get_full_path(), params=params, masked=False,
                                   reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None
    return render(request, "accounts/export_unmasked.html", {
        "form": form, "listing": listing, "back_url": back_url,
        "count": listing.rows.count(), "query": urlencode(request.GET),
    })


@login_required
def export_job(request, pk: int):
    """A long export's progress (the page polls itself with htmx) and, once generated, its download link."""
    job = export_job_get(request.user, pk)
    if job is None:
        raise Http404
    polled = bool(request.headers.get("HX-Request"))
    template = "accounts/_export_status.html" if polled else "accounts/export_job.html"
    response = render(request, template, {"job": job})
    add_never_cache_headers(response)
    return response


@login_required
def export_file(request, pk: int):
    job = export_job_get(request.user, pk)
    if job is None or job.state != ExportJob.State.READY:
        raise Http404
    return stored_file_response(job.file, name=file_name(job.title), content_type=XLSX, as_attachment=True)
