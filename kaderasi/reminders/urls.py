"""Pages of the reminders app (mounted at the site root inside the language prefix)."""

app_name = "reminders"
urlpatterns: list = []
