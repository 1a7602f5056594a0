from parcours.coaching import (
    urls_activities,
    urls_booking,
    urls_engagements,
    urls_messages,
    urls_records,
)

app_name = "coaching"
urlpatterns = [
    *urls_engagements.urlpatterns,
    *urls_booking.urlpatterns,
    *urls_activities.urlpatterns,
    *urls_messages.urlpatterns,
    *urls_records.urlpatterns,
]
