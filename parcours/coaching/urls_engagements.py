"""Addresses of the engagements part of coaching (included by coaching/urls.py)."""

urlpatterns: list = []
