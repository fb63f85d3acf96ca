from django.urls import path, re_path

from activities import views

app_name = "activities"

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="activity_list"),
    path("new/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("propose/", views.proposal_create, name="proposal_create"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("<id:pk>/proposal/edit/", views.proposal_update, name="proposal_update"),
    path("<id:pk>/proposal/review/", views.proposal_review, name="proposal_review"),
    path("<id:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("<id:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity_update"),
    path("<id:pk>/status/", views.activity_status, name="activity_status"),
    path("<id:pk>/signal/", views.activity_signal, name="activity_signal"),
    path("<id:pk>/card.pdf", views.activity_card_pdf, name="activity_card_pdf"),
    path("<id:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<id:pk>/edit/", views.milestone_update, name="milestone_update"),
    path("milestones/<id:pk>/delete/", views.milestone_delete, name="milestone_delete"),
    path("<id:pk>/people/new/", views.person_create, name="person_create"),
    path("people/<id:pk>/delete/", views.person_delete, name="person_delete"),
    path("<id:pk>/attachments/new/", views.attachment_create, name="attachment_create"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<id:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("gallery.pdf", views.gallery_pdf, name="gallery_pdf"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    re_path(
        r"^export/activities\.(?P<fmt>csv|xlsx)$", views.activity_export, name="activity_export"
    ),
    re_path(r"^export/meetings\.(?P<fmt>csv|xlsx)$", views.meeting_export, name="meeting_export"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<id:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<id:pk>/edit/", views.MeetingUpdateView.as_view(), name="meeting_update"),
    path("meetings/<id:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("meetings/answer/<str:token>/", views.meeting_answer, name="meeting_answer"),
    path("meetings/<id:pk>/documents/new/", views.document_create, name="document_create"),
    path("meetings/documents/<id:pk>/", views.document_download, name="document_download"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
