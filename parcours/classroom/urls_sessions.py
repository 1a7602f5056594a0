"""Addresses of the sessions part of classroom (included by classroom/urls.py)."""

urlpatterns: list = []
