from django.urls import URLPattern, URLResolver, path

from spaces import views

app_name = "spaces"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.SpaceListView.as_view(), name="space_list"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("<int:pk>/", views.space_detail, name="space_detail"),
    path("<int:pk>/posts/new/", views.post_create, name="post_create"),
    path("<int:pk>/notifications/", views.subscription_update, name="subscription_update"),
    path("<int:pk>/export/", views.space_export, name="space_export"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("posts/<int:pk>/answered/", views.post_mark_answered, name="post_mark_answered"),
    path("posts/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("posts/<int:pk>/used/", views.library_use, name="library_use"),
    path("files/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
