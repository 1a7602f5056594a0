"""Addresses of the delivery part of engagement (included by engagement/urls.py)."""

urlpatterns: list = []
