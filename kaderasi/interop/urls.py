"""Pages of the interop app (mounted at the site root inside the language prefix)."""

app_name = "interop"
urlpatterns: list = []
