from django.urls import URLPattern, URLResolver, path

from spaces import views

app_name = "spaces"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.SpaceListView.as_view(), name="space_list"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("notifications/", views.MailPreferenceView.as_view(), name="mail_preference"),
    path("<id:pk>/", views.space_detail, name="space_detail"),
    path("<id:pk>/posts/new/", views.post_create, name="post_create"),
    path("<id:pk>/notifications/", views.subscription_update, name="subscription_update"),
    path("<id:pk>/export/", views.space_export, name="space_export"),
    path("posts/<id:pk>/", views.post_detail, name="post_detail"),
    path("posts/<id:pk>/comments/", views.comment_create, name="comment_create"),
    path("posts/<id:pk>/answered/", views.post_mark_answered, name="post_mark_answered"),
    path("posts/<id:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<id:pk>/delete/", views.post_delete, name="post_delete"),
    path("posts/<id:pk>/hide/", views.post_hide, name="post_hide"),
    path("posts/<id:pk>/unhide/", views.post_unhide, name="post_unhide"),
    path("comments/<id:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<id:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("posts/<id:pk>/used/", views.library_use, name="library_use"),
    path("files/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
