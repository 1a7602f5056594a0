from django.urls import path

from parcours.assessments import views

app_name = "assessments"

ORG = "o/<slug:org_slug>/"

urlpatterns = [
    # Authoring (managers)
    path(f"{ORG}question-banks/", views.bank_list, name="bank_list"),
    path(f"{ORG}question-banks/<int:bank_id>/", views.bank_detail, name="bank_detail"),
    path(f"{ORG}question-banks/<int:bank_id>/delete/", views.bank_delete, name="bank_delete"),
    path(f"{ORG}question-banks/<int:bank_id>/questions/new/<slug:kind>/", views.question_add,
         name="question_add"),
    path(f"{ORG}questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path(f"{ORG}questions/<int:question_id>/delete/", views.question_delete,
         name="question_delete"),
    path(f"{ORG}quizzes/", views.quiz_list, name="quiz_list"),
    path(f"{ORG}quizzes/<int:quiz_id>/edit/", views.quiz_edit, name="quiz_edit"),
    path(f"{ORG}quizzes/<int:quiz_id>/delete/", views.quiz_delete, name="quiz_delete"),
    path(f"{ORG}decks/", views.deck_list, name="deck_list"),
    path(f"{ORG}decks/<int:deck_id>/", views.deck_detail, name="deck_detail"),
    path(f"{ORG}decks/<int:deck_id>/delete/", views.deck_delete, name="deck_delete"),
    path(f"{ORG}cards/<int:card_id>/", views.card_edit, name="card_edit"),
    path(f"{ORG}cards/<int:card_id>/delete/", views.card_delete, name="card_delete"),
    # Taking quizzes (learners), results (the learner, and who follows them)
    path(f"{ORG}quizzes/<int:quiz_id>/", views.quiz_detail, name="quiz_detail"),
    path(f"{ORG}quizzes/<int:quiz_id>/start/", views.quiz_start, name="quiz_start"),
    path(f"{ORG}attempts/<int:attempt_id>/", views.attempt_take, name="attempt_take"),
    path(f"{ORG}attempts/<int:attempt_id>/save/", views.attempt_save, name="attempt_save"),
    path(f"{ORG}attempts/<int:attempt_id>/submit/", views.attempt_submit,
         name="attempt_submit"),
    path(f"{ORG}attempts/<int:attempt_id>/results/", views.attempt_results,
         name="attempt_results"),
    # Daily reviews (learners)
    path(f"{ORG}reviews/", views.reviews, name="reviews"),
    path(f"{ORG}cards/<int:card_id>/review/", views.card_review, name="card_review"),
]
