"""Pages of the offline app (mounted at the site root inside the language prefix)."""

app_name = "offline"
urlpatterns: list = []
