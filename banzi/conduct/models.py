"""Strict management: discipline rules, commitments, concurrent-post declarations and violations,
leave with approval and its ledger, outing reports. Overnight duty and attendance live in
`duty/models.py` and are imported at the end of this module so that Django finds them."""


from .duty.models import *  # noqa: E402,F401,F403
