"""The ledger's running totals, which a day's end reads instead of its accounts."""

from __future__ import annotations

import numpy as np
import pytest

from sim.world.ledger import LANE_ACCOUNTS, SITE_ACCOUNTS, Ledger, MassBalanceError

NAMES = (["a", "b"], ["road"], ["copper", "cobalt"])


def test_each_site_account_books_its_sign_in_the_running_net() -> None:
    ledger = Ledger(n_sites=2, n_lanes=1, n_commodities=2)
    ledger.open(np.zeros((2, 2)), np.zeros((1, 2)))
    signs = {"mined": 1.0, "site_in": 1.0, "site_out": -1.0, "consumed": -1.0, "lost": -1.0,
             "supplied": 1.0, "adjusted": 1.0}
    assert set(signs) == set(SITE_ACCOUNTS)
    for account, sign in signs.items():
        before = list(ledger.site_net)
        ledger.book_site(account, 1, 1, 2.5)
        # site b, cobalt: the element at 1 x 2 + 1
        assert ledger.site_net[3] - before[3] == sign * 2.5, account
        assert ledger.site_net[:3] == before[:3]
        assert ledger.rows(account)[1] == [0.0, 2.5]
        assert getattr(ledger, account)[1, 1] == 2.5
    assert ledger.site_net_flows().tolist() == ledger.site_net


def test_each_lane_account_books_its_sign_in_transit() -> None:
    ledger = Ledger(n_sites=2, n_lanes=1, n_commodities=2)
    signs = {"lane_in": 1.0, "lane_out": -1.0, "lane_lost": -1.0}
    assert set(signs) == set(LANE_ACCOUNTS)
    for account, sign in signs.items():
        before = list(ledger.in_transit)
        ledger.book_lane(account, 0, 0, 4.0)
        assert ledger.in_transit[0] - before[0] == sign * 4.0, account
        assert ledger.in_transit[1] == 0.0
    assert ledger.expected_lane_held().tolist() == [[-4.0, 0.0]]


def test_totals_that_agree_with_the_accounts_pass_and_a_broken_one_fails() -> None:
    ledger = Ledger(n_sites=2, n_lanes=1, n_commodities=2)
    ledger.open(np.array([[10.0, 0.0], [0.0, 0.0]]), np.zeros((1, 2)))
    # 6 t of copper leave a, travel the road and reach b
    ledger.book_site("site_out", 0, 0, 6.0)
    ledger.book_lane("lane_in", 0, 0, 6.0)
    ledger.book_lane("lane_out", 0, 0, 6.0)
    ledger.book_site("site_in", 1, 0, 6.0)
    held = np.array([[4.0, 0.0], [6.0, 0.0]])
    report = ledger.check_mass_balance(held, np.zeros((1, 2)), *NAMES)
    assert report.violations == [] and report.running_error_t.tolist() == [0.0, 0.0]
    # the same move with the arrival booked in b's account alone
    ledger.rows("site_in")[1][0] += 1.0
    with pytest.raises(MassBalanceError, match=r"at 'b' for copper: the running net flows"):
        ledger.check_mass_balance(held + [[0.0, 0.0], [1.0, 0.0]], np.zeros((1, 2)), *NAMES)
