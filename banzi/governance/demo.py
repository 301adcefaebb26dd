"""Demo meetings: placeholder replaced below."""


def load_governance_demo():
    return {}
