"""Training programs, sessions, lecturers, attendance, hours and training needs."""
