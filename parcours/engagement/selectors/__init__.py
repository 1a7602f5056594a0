"""Reads of the engagement engine, one module per part."""
