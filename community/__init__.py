"""Communities, their members with history, and their external channels."""
