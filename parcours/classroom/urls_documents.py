"""Addresses of the documents part of classroom (included by classroom/urls.py)."""

urlpatterns: list = []
