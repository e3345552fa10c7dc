"""Community analytics and reports: figures computed from the data, never typed in."""
