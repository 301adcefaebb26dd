"""Generic-test cases of overnight duty, swaps, spot checks and attendance."""
