"""Addresses of the messages part of coaching (included by coaching/urls.py)."""

urlpatterns: list = []
