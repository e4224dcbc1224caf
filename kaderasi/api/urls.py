"""The JSON API under /api/v1/ (outside the language prefix)."""

urlpatterns: list = []
