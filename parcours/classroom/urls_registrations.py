"""Addresses of the registrations part of classroom (included by classroom/urls.py)."""

urlpatterns: list = []
