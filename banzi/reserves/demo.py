def load_reserves_demo():
    return {}
