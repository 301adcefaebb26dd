"""Daily education: group study sessions, personal study records and the nine lead-by-example duties."""
