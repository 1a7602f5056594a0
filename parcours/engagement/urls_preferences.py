"""Addresses of the preferences part of engagement (included by engagement/urls.py)."""

urlpatterns: list = []
