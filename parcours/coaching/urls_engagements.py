"""Addresses of the engagements part of coaching (included by coaching/urls.py)."""

from django.urls import path

from parcours.coaching import views_engagements as views

ORG = "o/<slug:org_slug>/"
COACHING = ORG + "coaching/"
ENGAGEMENT = COACHING + "engagements/<int:engagement_id>/"
TYPE = COACHING + "types/<int:type_id>/"

urlpatterns = [
    # Engagement types (managers)
    path(COACHING + "types/", views.types, name="types"),
    path(COACHING + "types/new/", views.type_new, name="type_new"),
    path(TYPE, views.type_detail, name="type"),
    path(TYPE + "phases/", views.type_phase_add, name="type_phase_add"),
    path(TYPE + "phases/<int:phase_id>/", views.type_phase_edit, name="type_phase_edit"),
    path(TYPE + "phases/<int:phase_id>/move/", views.type_phase_move, name="type_phase_move"),
    path(TYPE + "phases/<int:phase_id>/remove/", views.type_phase_remove,
         name="type_phase_remove"),
    # Engagements
    path(COACHING + "engagements/", views.engagements, name="engagements"),
    path(COACHING + "engagements/new/", views.engagement_new, name="engagement_new"),
    path(ENGAGEMENT, views.engagement, name="engagement"),
    path(ENGAGEMENT + "edit/", views.engagement_edit, name="engagement_edit"),
    path(ENGAGEMENT + "coaches/", views.engagement_coach_add, name="engagement_coach_add"),
    path(ENGAGEMENT + "coaches/<int:user_id>/remove/", views.engagement_coach_remove,
         name="engagement_coach_remove"),
    path(ENGAGEMENT + "close/", views.engagement_close, name="engagement_close"),
    path(ENGAGEMENT + "notes/", views.notes, name="notes"),
    path(ENGAGEMENT + "notes/new/", views.note_new, name="note_new"),
    path(ENGAGEMENT + "actions/new/", views.action_new, name="action_new"),
    path(ORG + "my-coaching/", views.my_coaching, name="my_coaching"),
    # After an appointment
    path(COACHING + "appointments/<int:appointment_id>/close/", views.close_appointment,
         name="close_appointment"),
    path(COACHING + "appointments/<int:appointment_id>/missed/", views.mark_missed,
         name="mark_missed"),
    # Notes
    path(COACHING + "notes/<int:note_id>/edit/", views.note_edit, name="note_edit"),
    path(COACHING + "notes/<int:note_id>/share/", views.note_share, name="note_share"),
    path(COACHING + "notes/<int:note_id>/comments/", views.note_comment, name="note_comment"),
    path(COACHING + "notes/<int:note_id>/history/", views.note_history, name="note_history"),
    # Action items
    path(COACHING + "actions/<int:item_id>/edit/", views.action_edit, name="action_edit"),
    path(COACHING + "actions/<int:item_id>/tick/", views.action_tick, name="action_tick"),
    path(COACHING + "actions/<int:item_id>/untick/", views.action_untick,
         name="action_untick"),
    path(COACHING + "actions/<int:item_id>/path-step/", views.action_to_step,
         name="action_to_step"),
]
