from django.urls import URLPattern, URLResolver, path

from charts import views

app_name = "charts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("followup/indicator/<id:pk>.svg", views.indicator_svg, name="indicator_svg"),
    path("followup/organisation/<id:pk>.svg", views.pathway_svg, name="pathway_svg"),
    path("reports/<id:pk>/", views.report_charts_page, name="report_charts"),
    path("reports/<id:pk>/<slug:name>.svg", views.report_svg, name="report_svg"),
]
