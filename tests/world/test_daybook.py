"""The day book on its own: exact cases of what each booking adds where, how a day closes,
and the records it fills (sim/world/daybook.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.world.daybook import LEAD_BINS, DayBook
from sim.world.lots import Lot
from sim.world.recorder import Recorder

# 2 commodities, 3 channels, 2 destination countries; sites 0 (a mine, no country), 1 (in
# country 0) and 2 (in country 1); rows for 5 days
N_C, N_K, N_COUNTRY = 2, 3, 2


def book_at(now: float = 10.0) -> DayBook:
    # a clock that stays at ``now`` (the world's is a sim.world.wakeups.Clock)
    return DayBook(SimpleNamespace(now=now), N_C, N_K, N_COUNTRY, [-1, 0, 1], 5)


def lot(commodity: int = 1, channel: int = 2, tonnes: float = 40.0, t_mined: float = 3.5,
        route: int = 7, payable: float = 0.25) -> Lot:
    return Lot(commodity, channel, tonnes, 1.0, 0.0, (), route, 0, t_mined, payable)


def test_mined_goes_to_its_commodity_and_channel_and_diverted_to_its_plane() -> None:
    book = book_at()
    book.record_mined(1, 2, 30.0, 12.0)
    book.record_mined(1, 2, 5.0, 0.0)
    mined = book.channel_flow("mined")
    diverted = book.channel_flow("diverted")
    assert mined.shape == (N_C, N_K + 1)
    assert mined[1, 2] == 35.0 and mined.sum() == 35.0
    assert diverted[1, 2] == 12.0 and diverted.sum() == 12.0


def test_an_export_books_tonnes_and_payable_tonnes_refined_metal_in_the_last_column() -> None:
    book = book_at()
    book.record_export(lot(commodity=0, channel=1, tonnes=8.0, payable=0.5))
    book.record_export(lot(commodity=0, channel=-1, tonnes=3.0, payable=1.0))
    exported = book.channel_flow("exported")
    assert exported[0, 1] == 8.0
    assert exported[0, N_K] == 3.0  # refined metal: no channel of its own
    assert exported.sum() == 11.0
    assert book.channel_flow("exported_payable")[0, 1] == 4.0


def test_an_arrival_from_a_mine_books_delivery_lead_time_and_its_histogram() -> None:
    book = book_at(now=10.0)
    book.record_arrival(lot(tonnes=40.0, t_mined=3.5, route=7), 2, True)
    assert book.channel_flow("delivered")[1, 2] == 40.0
    assert book.channel_flow("lead")[1, 2] == 6.5 * 40.0
    hist = book.lead_hist[(7, 1)]
    assert len(hist) == LEAD_BINS + 1
    assert hist[6] == 40.0 and sum(hist) == 40.0  # 6.5 days: the bin [6, 7)
    assert book.route_lead_tonne_days[(7, 1)] == 6.5 * 40.0
    flows = book.flows_so_far()
    arrivals = flows[book.o_arrivals:book.o_delivered_country].reshape(N_C, N_COUNTRY)
    delivered = flows[book.o_delivered_country:].reshape(N_C, N_COUNTRY)
    assert arrivals[1, 1] == 40.0 and arrivals.sum() == 40.0  # a market in country 1
    assert delivered[1, 1] == 40.0 and delivered.sum() == 40.0


def test_refined_metal_and_arrivals_off_market_book_only_what_applies() -> None:
    book = book_at()
    book.record_arrival(lot(channel=-1, tonnes=5.0), 1, True)  # refined metal to a market
    book.record_arrival(lot(tonnes=2.0), 1, False)  # mine metal to a refiner
    flows = book.flows_so_far()
    arrivals = flows[book.o_arrivals:book.o_delivered_country].reshape(N_C, N_COUNTRY)
    assert arrivals[1, 0] == 5.0 and arrivals.sum() == 5.0
    assert book.channel_flow("delivered").sum() == 2.0  # only metal from a mine


def test_a_merged_cargo_spreads_over_the_lead_times_of_its_parts() -> None:
    book = book_at(now=500.0)
    cargo = lot(tonnes=30.0, t_mined=450.0)
    cargo.parts = [[480.5, 10.0], [420.0, 15.0], [50.0, 5.0]]
    book.record_arrival(cargo, 1, False)
    hist = book.lead_hist[(7, 1)]
    assert hist[19] == 10.0 and hist[80] == 15.0
    assert hist[LEAD_BINS] == 5.0  # 450 days: the last, open-ended bin
    assert sum(hist) == 30.0
    # the mean lead time is the cargo's (its tonnage-weighted time mined)
    assert book.route_lead_tonne_days[(7, 1)] == 50.0 * 30.0


def test_closing_a_day_keeps_its_row_clears_the_buffer_and_sums_arrivals_by_commodity() -> None:
    book = book_at()
    book.record_arrival(lot(commodity=0, channel=-1, tonnes=4.0), 1, True)
    book.record_arrival(lot(commodity=0, channel=-1, tonnes=6.0), 2, True)
    assert book.close_day(-1, True) == [10.0, 0.0]
    assert book.buf == [0.0] * len(book.buf)
    book.record_mined(0, 0, 7.0, 0.0)
    assert book.close_day(0, False) is None
    book.record_mined(0, 0, 1.0, 0.0)  # the open day counts too
    assert book.n_closed == 2
    assert list(book.row_day[:2]) == [-1, 0]
    assert book.channel_flow("mined")[0, 0] == 8.0


def test_daily_records_take_the_measured_days_only() -> None:
    rec = Recorder(t0=1.0, horizon_days=2, n_commodities=N_C, n_channels=N_K,
                   n_countries=N_COUNTRY, n_markets=1, n_kinds=1)
    book = book_at()
    book.record_mined(1, 0, 99.0, 0.0)  # a warm-up day: not in the records
    book.close_day(-1, False)
    for day, tonnes in ((0, 3.0), (1, 4.0)):
        book.record_mined(1, 0, tonnes, 0.0)
        book.record_export(lot(commodity=1, channel=0, tonnes=tonnes, payable=0.5))
        book.record_arrival(lot(commodity=1, channel=0, tonnes=tonnes), 2, True)
        book.close_day(day, False)
    book.fill_daily_records(rec)
    assert rec.mined[:, 1, 0].tolist() == [3.0, 4.0]
    assert rec.mined.sum() == 7.0
    assert rec.exported[:, 1, 0].tolist() == [3.0, 4.0]
    assert rec.exported_payable[:, 1, 0].tolist() == [1.5, 2.0]
    assert rec.arrivals[:, 1, 1].tolist() == [3.0, 4.0]
    assert rec.delivered[:, 1, 1].tolist() == [3.0, 4.0]
    assert rec.arrivals.sum() == rec.delivered.sum() == 7.0


def test_an_unknown_flow_is_refused() -> None:
    with pytest.raises(ValueError):
        book_at().channel_flow("smuggled")


def test_the_flows_read_back_are_copies() -> None:
    book = book_at()
    book.record_mined(0, 0, 1.0, 0.0)
    flows = book.channel_flow("mined")
    flows[0, 0] = 100.0
    assert book.channel_flow("mined")[0, 0] == 1.0
    assert isinstance(flows, np.ndarray)


def test_the_markets_kept_days_reach_the_records_at_finish_in_order() -> None:
    rec = Recorder(t0=0.0, horizon_days=3, n_commodities=N_C, n_channels=N_K,
                   n_countries=N_COUNTRY, n_markets=1, n_kinds=1)
    rec.keep_markets(0, [1.0, 2.0], [5.0, 6.0], [4.0, 6.0])
    price = [1.5, 2.5]
    rec.keep_markets(1, price, [5.0, 6.0], [5.0, 3.0])
    price[:] = [9.0, 9.0]  # the market step moves its price list in place
    with pytest.raises(RuntimeError, match="day 3 kept after 2 days"):
        rec.keep_markets(3, price, [5.0, 6.0], [5.0, 6.0])
    assert rec.price.tolist() == [[1.0, 1.0]] * 3  # nothing written before the finish
    rec.finish()
    assert rec.price.tolist() == [[1.0, 2.0], [1.5, 2.5], [1.0, 1.0]]
    assert rec.demand_flat.tolist() == [[5.0, 6.0], [5.0, 6.0], [0.0, 0.0]]
    assert rec.consumed_flat.tolist() == [[4.0, 6.0], [5.0, 3.0], [0.0, 0.0]]
    # shortfall [day, commodity, market] = demand - consumed
    assert rec.shortfall[:2, :, 0].tolist() == [[1.0, 0.0], [0.0, 3.0]]
