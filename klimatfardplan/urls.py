from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import HomeView
from klimatfardplan import converters  # noqa: F401  registers <id:...> before the includes below

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("roadmap/", include("roadmap.urls")),
    path("partners/", include("partners.urls")),
    path("activities/", include("activities.urls")),
    path("surveys/", include("surveys.urls")),
    path("reports/", include("reporting.urls")),
    path("charts/", include("charts.urls")),  # chart downloads (issue 20)
    path("spaces/", include("spaces.urls")),
    path("security/", include("security.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "django.views.defaults.server_error"
