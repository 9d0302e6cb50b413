from django.shortcuts import render

from .files import FileMissing


def page_not_found(request, exception):
    """The 404 page (handler404); a stored file that has gone missing is named on it (core.files)."""
    file_missing = str(exception) if isinstance(exception, FileMissing) else ""
    return render(request, "404.html", {"file_missing": file_missing}, status=404)
