"""Community events: registration with a waitlist, calendars, attendance."""
