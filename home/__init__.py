"""The signed-in person's home page: it reads from every feature, and none imports it."""
