"""Discipline rules and declarations, leave, outing reports, overnight duty with spot checks, and attendance."""
