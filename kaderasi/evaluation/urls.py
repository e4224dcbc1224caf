"""Pages of the evaluation app (mounted at the site root inside the language prefix)."""

app_name = "evaluation"
urlpatterns: list = []
