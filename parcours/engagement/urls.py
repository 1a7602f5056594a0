from parcours.engagement import (
    urls_campaigns,
    urls_centre,
    urls_delivery,
    urls_preferences,
    urls_triggers,
)

app_name = "engagement"
urlpatterns = [
    *urls_centre.urlpatterns,
    *urls_delivery.urlpatterns,
    *urls_preferences.urlpatterns,
    *urls_triggers.urlpatterns,
    *urls_campaigns.urlpatterns,
]
