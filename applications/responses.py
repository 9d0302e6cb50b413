"""The file answers every application page gives (its attachments, its decisions' attachments, its prints),
whoever the viewer is: the views check visibility first, then call these."""

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse

from review.models import FlowAttachment

from .models import ApplicationFile


def file_response(stored, content_type: str, name: str) -> FileResponse:
    response = FileResponse(stored.open("rb"), content_type=content_type, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def application_file(application, file_pk) -> FileResponse:
    """One of the application's attachments; 404 for another application's."""
    item = ApplicationFile.objects.filter(pk=file_pk, application=application).first()
    if item is None:
        raise Http404
    return file_response(item.file, item.content_type, item.name)


def flow_attachment(application, attachment_pk) -> FileResponse:
    """An attachment of a decision on the application (公示证明, a return's annotated page); 404 otherwise."""
    item = FlowAttachment.objects.filter(pk=attachment_pk, entry__subject_type="application",
                                         entry__subject_id=application.pk).first()
    if item is None:
        raise Http404
    return file_response(item.file, item.content_type, item.name)


def print_response(application, kind: str) -> HttpResponse:
    """A print of the submitted application (brief.pdf, review.pdf, review.xlsx), made from its snapshot."""
    from .prints import print_get

    try:
        name, content_type, content = print_get(application, kind)
    except KeyError:
        raise Http404 from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
