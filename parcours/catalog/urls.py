from django.urls import path

from parcours.catalog import views

app_name = "catalog"

programme = "o/<slug:org_slug>/programmes/<int:programme_id>/"
urlpatterns = [
    path("o/<slug:org_slug>/programmes/", views.catalogue, name="catalogue"),
    path("o/<slug:org_slug>/programmes/new/", views.programme_new, name="programme_new"),
    path(programme, views.programme_detail, name="programme"),
    path(programme + "edit/", views.programme_edit, name="programme_edit"),
    path(programme + "preview/", views.programme_preview, name="programme_preview"),
    path(programme + "publish/", views.programme_publish, name="programme_publish"),
    path(programme + "apply/", views.programme_apply, name="programme_apply"),
    path(programme + "modules/", views.module_add, name="module_add"),
    path(programme + "modules/<int:module_id>/rename/", views.module_rename,
         name="module_rename"),
    path(programme + "modules/<int:module_id>/move/", views.module_move, name="module_move"),
    path(programme + "modules/<int:module_id>/delete/", views.module_delete,
         name="module_delete"),
    path(programme + "modules/<int:module_id>/steps/new/", views.step_new, name="step_new"),
    path(programme + "steps/<int:step_id>/edit/", views.step_edit, name="step_edit"),
    path(programme + "steps/<int:step_id>/move/", views.step_move, name="step_move"),
    path(programme + "steps/<int:step_id>/delete/", views.step_delete, name="step_delete"),
    path(programme + "steps/<int:step_id>/attachment/", views.step_attachment,
         name="step_attachment"),
]
