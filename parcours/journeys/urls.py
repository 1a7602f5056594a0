from django.urls import path

from parcours.journeys import views

app_name = "journeys"

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    # The learner
    path(ORG + "my-path/", views.dashboard, name="dashboard"),
    path(ORG + "my-path/steps/<int:path_step_id>/", views.step, name="step"),
    path(ORG + "my-path/steps/<int:path_step_id>/heartbeat/", views.heartbeat,
         name="heartbeat"),
    path(ORG + "my-path/steps/<int:path_step_id>/check/", views.check_answer,
         name="check_answer"),
    path(ORG + "my-path/steps/<int:path_step_id>/submit/", views.submit, name="submit"),
    path(ORG + "my-path/steps/<int:path_step_id>/declare/", views.declare, name="declare"),
    path(ORG + "submissions/<int:submission_id>/file/", views.submission_file,
         name="submission_file"),
    # Coaches, trainers and managers
    path(ORG + "caseload/", views.caseload, name="caseload"),
    path(ORG + "learners/<int:user_id>/", views.learner, name="learner"),
    path(ORG + "path-steps/<int:path_step_id>/adapt/<slug:action>/", views.adapt_step,
         name="adapt_step"),
    path(ORG + "path-steps/<int:path_step_id>/validate/", views.validate_step,
         name="validate_step"),
    path(ORG + "enrolments/<int:enrolment_id>/insert-step/", views.insert_step,
         name="insert_step"),
    path(ORG + "enrolments/<int:enrolment_id>/reorder/", views.reorder, name="reorder"),
    path(ORG + "reviews-to-do/", views.reviews, name="reviews"),
    path(ORG + "reviews-to-do/<int:submission_id>/", views.review_submission,
         name="review_submission"),
    path(ORG + "programmes/<int:programme_id>/enrol/", views.enrol, name="enrol"),
    path(ORG + "programmes/<int:programme_id>/enrol/file/", views.enrol_file,
         name="enrol_file"),
    path(ORG + "programmes/<int:programme_id>/enrol/file/confirm/", views.enrol_file_confirm,
         name="enrol_file_confirm"),
]
