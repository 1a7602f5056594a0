"""Addresses of the records part of coaching (included by coaching/urls.py)."""

urlpatterns: list = []
