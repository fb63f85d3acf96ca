from django.urls import URLPattern, URLResolver, path

from surveys import views

app_name = "surveys"

_response = "rounds/<int:round_pk>/organisations/<int:organisation_pk>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.MyResponsesView.as_view(), name="my_responses"),
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<int:pk>/edit/", views.RoundUpdateView.as_view(), name="round_update"),
    path("rounds/<int:pk>/export/", views.RoundExportView.as_view(), name="round_export"),
    path(_response, views.ResponseFormView.as_view(), name="response_form"),
    path(_response + "submit/", views.ResponseSubmitView.as_view(), name="response_submit"),
    path(_response + "approve/", views.response_approve, name="response_approve"),
    path(_response + "reopen/", views.response_reopen, name="response_reopen"),
    path(_response + "extend/", views.deadline_extend, name="deadline_extend"),
    path(_response + "remind/", views.reminder_send, name="reminder_send"),
    path("followup/", views.FollowUpView.as_view(), name="followup"),
    path("followup/manual/", views.manual_value_save, name="manual_value_save"),
]
