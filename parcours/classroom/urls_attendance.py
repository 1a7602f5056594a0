"""Addresses of the attendance part of classroom (included by classroom/urls.py)."""

urlpatterns: list = []
