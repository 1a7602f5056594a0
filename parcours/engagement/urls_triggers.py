"""Addresses of the triggers part of engagement (included by engagement/urls.py)."""

urlpatterns: list = []
