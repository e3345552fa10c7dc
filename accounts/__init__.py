"""People: sign-up, sign-in, profile and site roles."""
