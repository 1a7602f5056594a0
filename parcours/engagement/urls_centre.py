"""Addresses of the centre part of engagement (included by engagement/urls.py)."""

urlpatterns: list = []
