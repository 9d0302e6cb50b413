"""所属单位统计: a competent department's read-only view of its units' staff and records."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from .selectors import department_unit_stats


@login_required
@permission_required("dossier.view_department_stats", raise_exception=True)
def department_stats(request):
    """Read-only statistics of the units under the user's competent department(s)."""
    return render(request, "dossier/department_stats.html", {"rows": department_unit_stats(request.user)})
