from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    # The yardstick every figure is divided by: Django rendering a tiny template, through the same
    # middleware stack, for a signed-in user.
    path(
        "bench/minimal/",
        login_not_required(TemplateView.as_view(template_name="bench/minimal.html")),
        name="bench_minimal",
    ),
    path("", include("klimatfardplan.urls")),
]
