"""Initiatives of a community, and the book-exchange catalog open to outside participants."""
