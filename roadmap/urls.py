from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("", views.ChallengeListView.as_view(), name="challenge_list"),
    path("branding/", views.branding_update, name="branding_update"),
    path("branding/style.css", views.branding_css, name="branding_css"),
    path("branding/logo/", views.branding_logo, name="branding_logo"),
]
