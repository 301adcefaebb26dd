"""Training programs, sessions, lecturers, attendance, hours and training needs.

Who sees and changes what:

- A program belongs to its organizer. A program of the county itself or of a county department
  (an organizer without a township) is county-wide: every township committee reads it — they send
  cadres to it and match their training needs against it — but only the county changes it, its
  sessions, enrollments and sign-in sheets. A township's own program is seen and changed by that
  township and the county; another township does not see it at all (404).
- A township enrolls only its own cadres; the county enrolls anyone in the county.
- A township committee reads the enrollments and attendances of its own cadres in county-wide
  programs (never another township's cadres'), and its figures count its own cadres' attendance.
- A cadre sees the programs and sessions they are enrolled in, their own enrollments, attendances
  and training needs, and their own training days and credit hours on the hours page.
- Lecturers follow programs: the county's pool is shared, a township may keep its own.

How the figures are counted (person-times, training days, credit hours, the yearly minimum) is
set out in `metrics.py` and on the statistics page.
"""
