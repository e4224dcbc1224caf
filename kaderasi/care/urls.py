"""Pages of the care app (mounted at the site root inside the language prefix)."""

app_name = "care"
urlpatterns: list = []
