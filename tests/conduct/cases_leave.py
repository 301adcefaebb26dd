"""Generic-test cases of discipline, commitments, declarations, violations, leave and outing reports."""
