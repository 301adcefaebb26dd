"""Frontline postings (first secretaries, rectification groups, enterprise service), mentoring pairs and study visits."""
