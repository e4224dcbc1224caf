"""Pages of the reports app (mounted at the site root inside the language prefix)."""

app_name = "reports"
urlpatterns: list = []
