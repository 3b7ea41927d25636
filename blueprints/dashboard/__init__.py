"""Home, career profile, leader and organizer dashboards, "my data", and the daily notices."""
