from parcours.classroom import urls_attendance, urls_documents, urls_registrations, urls_sessions

app_name = "classroom"
urlpatterns = [
    *urls_sessions.urlpatterns,
    *urls_registrations.urlpatterns,
    *urls_attendance.urlpatterns,
    *urls_documents.urlpatterns,
]
