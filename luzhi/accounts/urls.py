"""Account pages (profile, API token, sign-in lockouts)."""

from django.urls import path

from luzhi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.token_rotate, name="token_rotate"),
    path("profile/token/revoke/", views.token_revoke, name="token_revoke"),
    path("lockouts/", views.lockouts, name="lockouts"),
]
