from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("gdpr/", views.contact_list, name="contact_list"),
    path("gdpr/review/", views.retention_review, name="retention_review"),
    path("gdpr/contacts/<id:pk>/", views.contact_detail, name="contact_detail"),
    path("gdpr/contacts/<id:pk>/export.json", views.contact_export, name="contact_export"),
    path("gdpr/contacts/<id:pk>/erase/", views.contact_erase, name="contact_erase"),
]
