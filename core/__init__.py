"""Shared foundations: extensions, base model, permissions, errors, helpers."""
