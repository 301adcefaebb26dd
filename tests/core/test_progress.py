from banzi.core import progress


def test_reports_reach_the_listener_only_inside_the_block():
    heard = []
    progress.report(1, 9)
    with progress.reporting_to(lambda done, total: heard.append((done, total))):
        progress.report(2, 9)
        progress.report(9, 9)
    progress.report(3, 9)
    assert heard == [(2, 9), (9, 9)]


def test_blocks_nest_and_restore_the_outer_listener():
    outer, inner = [], []
    with progress.reporting_to(lambda d, t: outer.append(d)):
        with progress.reporting_to(lambda d, t: inner.append(d)):
            progress.report(1, 2)
        progress.report(2, 2)
    assert (outer, inner) == ([2], [1])
