from django.urls import URLPattern, URLResolver, path

from spaces import views

app_name = "spaces"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.SpaceListView.as_view(), name="space_list"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("<id:pk>/", views.space_detail, name="space_detail"),
    path("<id:pk>/posts/new/", views.post_create, name="post_create"),
    path("<id:pk>/notifications/", views.subscription_update, name="subscription_update"),
    path("<id:pk>/export/", views.space_export, name="space_export"),
    path("posts/<id:pk>/", views.post_detail, name="post_detail"),
    path("posts/<id:pk>/comments/", views.comment_create, name="comment_create"),
    path("posts/<id:pk>/answered/", views.post_mark_answered, name="post_mark_answered"),
    path("posts/<id:pk>/hide/", views.post_hide, name="post_hide"),
    path("posts/<id:pk>/used/", views.library_use, name="library_use"),
    path("files/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
