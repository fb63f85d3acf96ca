from django.urls import URLPattern, URLResolver, path

from partners import views

app_name = "partners"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.OrganisationListView.as_view(), name="organisation_list"),
    path("export.<str:fmt>", views.organisation_export, name="organisation_export"),
    path("mine/", views.MyOrganisationsView.as_view(), name="my_organisations"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("<id:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<id:pk>/edit/", views.organisation_update, name="organisation_update"),
    path("<id:pk>/status/", views.organisation_status, name="organisation_status"),
    path("<id:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<id:pk>/declaration/", views.declaration_edit, name="declaration_edit"),
    path("<id:pk>/commitments/", views.commitments_edit, name="commitments_edit"),
    path("<id:pk>/relations/", views.group_relation_add, name="group_relation_add"),
    path("relations/<id:pk>/remove/", views.group_relation_remove, name="group_relation_remove"),
    path("contacts/<id:pk>/edit/", views.contact_update, name="contact_update"),
    path("contacts/<id:pk>/remove/", views.contact_remove, name="contact_remove"),
    path("contacts/<id:pk>/invite/", views.contact_invite, name="contact_invite"),
    path("declarations/<id:pk>/download/", views.declaration_download, name="declaration_download"),
    path("matrix/", views.commitment_matrix, name="commitment_matrix"),
    path("commitments/export.<str:fmt>", views.commitment_export, name="commitment_export"),
    path("groupings/", views.grouping_list, name="grouping_list"),
    path("groupings/<id:number>/", views.grouping_detail, name="grouping_detail"),
    path("groupings/<id:number>/mailing-list.csv", views.grouping_export, name="grouping_export"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/preview/", views.import_preview, name="import_preview"),
]
