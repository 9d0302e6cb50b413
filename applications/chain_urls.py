from django.urls import path

from . import chain_views as views

app_name = "chain"

urlpatterns = [
    # One list per node, named for the navigation (chain:unit …) and generic (chain:list).
    *[path(f"{key}/", views.node_list, {"node_key": key}, name=key)
      for key in ("unit", "department", "bureau", "committee")],
    path("committee/defences/", views.defences, name="defences"),
    path("committee/defences/template.xlsx", views.defences_template, name="defences_template"),
    path("unit/plans/", views.unit_plans, name="unit_plans"),
    path("unit/plans/<int:plan_pk>/", views.unit_plan, name="unit_plan"),
    path("stats/", views.stats, name="stats"),
    path("unit/plans/<int:plan_pk>/publicity.<str:fmt>", views.unit_publicity, name="unit_publicity"),
    path("<slug:node_key>/", views.node_list, name="list"),
    path("<slug:node_key>/<int:pk>/", views.review, name="review"),
    path("<slug:node_key>/<int:pk>/files/<int:file_pk>/", views.file, name="file"),
    path("<slug:node_key>/<int:pk>/flow-files/<int:attachment_pk>/", views.flow_file, name="flow_file"),
    path("<slug:node_key>/<int:pk>/print/<str:kind>", views.print_file, name="print"),
]
