"""Search: one Whoosh index over every feature, kept current by listening to the session."""
