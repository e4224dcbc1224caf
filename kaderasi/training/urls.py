"""Pages of the training app (mounted at the site root inside the language prefix)."""

app_name = "training"
urlpatterns: list = []
