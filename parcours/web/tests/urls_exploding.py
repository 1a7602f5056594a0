from django.urls import include, path


def explode(request):
    raise RuntimeError("a bug the team must hear about")


urlpatterns = [
    path("explode/", explode),
    path("", include("parcours.urls")),
]
