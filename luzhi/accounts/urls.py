"""Account pages (profile, API token)."""

app_name = "accounts"
urlpatterns: list = []
