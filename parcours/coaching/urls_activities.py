"""Addresses of the activities part of coaching (included by coaching/urls.py)."""

urlpatterns: list = []
