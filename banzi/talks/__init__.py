"""Heart-to-heart talks, talk plans and coverage."""
