from django.urls import URLPattern, URLResolver, path

from reporting import views

app_name = "reporting"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("new/", views.report_year_create, name="report_year_create"),
    path("<id:year>/", views.ReportYearDetailView.as_view(), name="report_year_detail"),
    path("<id:year>/edit/", views.ReportYearUpdateView.as_view(), name="report_year_update"),
    path("<id:year>/snapshot/", views.snapshot_take, name="snapshot_take"),
    path("<id:year>/build/", views.report_build, name="report_build"),
    path("<id:year>/build-all/", views.batch_create, name="batch_create"),
    path("<id:year>/jobs/", views.report_year_jobs, name="report_year_jobs"),
    path("<id:year>/publish/", views.report_year_publish, name="report_year_publish"),
    path("batches/<id:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<id:pk>/status/", views.batch_status, name="batch_status"),
    path("jobs/<id:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<id:pk>/<str:fmt>/", views.download, name="download"),
]
