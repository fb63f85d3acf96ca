from django.urls import URLPattern, URLResolver, path

from surveys import figure_views, import_views, views
from surveys.views import review

app_name = "surveys"

_response = "rounds/<id:round_pk>/organisations/<id:organisation_pk>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.MyResponsesView.as_view(), name="my_responses"),
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round_create"),
    path("rounds/<id:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("rounds/<id:pk>/edit/", views.RoundUpdateView.as_view(), name="round_update"),
    path("rounds/<id:pk>/export/", views.RoundExportView.as_view(), name="round_export"),
    path("rounds/<id:pk>/import/", import_views.import_upload, name="import_upload"),
    path("rounds/<id:pk>/import/preview/", import_views.import_preview, name="import_preview"),
    path("rounds/<id:pk>/import/template/", import_views.import_template, name="import_template"),
    path(_response, views.ResponseFormView.as_view(), name="response_form"),
    path(_response + "submit/", views.ResponseSubmitView.as_view(), name="response_submit"),
    path(_response + "approve/", views.response_approve, name="response_approve"),
    path(_response + "reopen/", views.response_reopen, name="response_reopen"),
    path(_response + "extend/", views.deadline_extend, name="deadline_extend"),
    path(_response + "remind/", views.reminder_send, name="reminder_send"),
    path(_response + "review/", review.response_review, name="response_review"),
    path(_response + "confirm/", review.carried_confirm, name="carried_confirm"),
    path(
        _response + "scope3-not-relevant/",
        review.scope3_not_relevant,
        name="scope3_not_relevant",
    ),
    path("rounds/<id:pk>/remind-all/", review.remind_all, name="remind_all"),
    path("followup/", views.FollowUpView.as_view(), name="followup"),
    path("followup/manual/", views.manual_value_save, name="manual_value_save"),
    path(
        "followup/organisations/<id:organisation_pk>/",
        figure_views.OrganisationFiguresView.as_view(),
        name="organisation_figures",
    ),
    path(
        "followup/export/<id:year>/<slug:name>.csv",
        figure_views.figures_export,
        name="figures_export",
    ),
    path(_response + "boundary/", figure_views.boundary_decide, name="boundary_decide"),
]
