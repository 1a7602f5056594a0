"""Addresses of the booking part of coaching (included by coaching/urls.py)."""

urlpatterns: list = []
