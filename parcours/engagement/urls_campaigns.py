"""Addresses of the campaigns part of engagement (included by engagement/urls.py)."""

urlpatterns: list = []
