from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .forms import QueryForm


@login_required
def search(request):
    """全省检索: a query box, then a page of matching records and applications within the user's reach."""
    if not selectors.can_search(request.user):
        raise Http404
    form = QueryForm(request.GET or None)
    context = {"form": form, "rows": [], "following": None, "query": "", "paged": False}
    if form.is_bound and form.is_valid():
        query, after = form.cleaned_data["q"], form.cleaned_data["after"]
        try:
            context["rows"], context["following"] = selectors.documents_search(request.user, query, after=after)
            context.update(query=query, paged=after is not None, searched=True)
        except selectors.QueryError as exc:
            form.add_error("q", str(exc))
    return render(request, "lookup/search.html", context)


@login_required
def document(request, pk):
    """One result: the person and what was found, within the user's reach (404 otherwise)."""
    return render(request, "lookup/document.html", {"doc": selectors.document_get(request.user, pk),
                                                    "query": request.GET.get("q", "")})
