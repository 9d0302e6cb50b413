"""电子证书 pages: the applicant's signed PDF, the public verification (by QR token or by number + name + captcha,
rate-limited per client), the HR bureau's list of issued certificates with 撤销职称."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.http import client_ip

from . import selectors, services
from .forms import RevokeForm, VerifyForm

LIMITED = "查验过于频繁，请稍后再试。"


@login_required
def download(request, pk):
    application = selectors.own_certificate(request.user, pk)
    if application is None:
        raise Http404
    holder = services.holder_of(application)
    url = request.build_absolute_uri(reverse("verify:verify_token", args=[services.token_for(holder.number)]))
    try:
        pdf = services.signed_certificate(holder, url)
    except services.CertificateError as error:
        messages.error(request, str(error))
        return redirect("applications:detail", pk=application.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{holder.number}.pdf"'
    return response


def _answer(request, holder, *, form=None, limited=False):
    return render(request, "certificates/verify.html", {
        "form": form or VerifyForm(request=request), "holder": holder, "checked": True, "limited": limited},
        status=429 if limited else 200)


def verify(request):
    form = VerifyForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        if not services.verify_permit(client_ip(request)):
            return _answer(request, None, form=form, limited=True)
        holder = services.holder_by_number(form.cleaned_data["number"], form.cleaned_data["name"])
        return _answer(request, holder, form=VerifyForm(request=request))
    return render(request, "certificates/verify.html", {"form": form, "checked": False})


def verify_token(request, token):
    if not services.verify_permit(client_ip(request)):
        return _answer(request, None, limited=True)
    return _answer(request, services.holder_by_token(token))


@login_required
def bureau_list(request):
    if not selectors.is_bureau(request.user):
        raise Http404
    issued = selectors.bureau_issued(request.user)
    query = (request.GET.get("q") or "").strip()
    if query:
        issued = issued.filter(certificate_no=query) | issued.filter(applicant__name=query)
    rows = list(issued.order_by("-confirmed_at", "-pk")[:200])
    return render(request, "certificates/bureau.html", {"rows": rows, "query": query})


@login_required
def revoke(request, pk):
    application = selectors.bureau_issued(request.user).filter(pk=pk).first()
    if application is None:
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke(actor=request.user, application_id=pk, reason=form.cleaned_data["reason"],
                            reachable=selectors.bureau_issued(request.user))
        except services.CertificateError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, f"已撤销证书{application.certificate_no}。")
            return redirect("certificates:bureau")
    return render(request, "certificates/revoke.html", {"application": application, "form": form,
                                                         "holder": services.holder_of(application)})
