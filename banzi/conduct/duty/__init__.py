"""Overnight duty (住夜值班) with swaps, check-ins and spot checks, and daily attendance (考勤).

A part of the conduct app kept in its own modules: its models are imported by `conduct/models.py`,
its pages included by `conduct/urls.py` (same `conduct:` namespace) and its API routes by
`conduct/api_urls.py`; `conduct/apps.py` calls `registrations.register()` here for its menus,
figures and demo data.
"""
