"""The pure statistics, checked against values worked out by hand."""
import math

import pytest

from trainer.reports import analysis as a


def test_facility():
    """Is the facility the share of right answers, and None without answers?"""
    assert a.facility(3, 4) == 0.75
    assert a.facility(0, 5) == 0
    assert a.facility(0, 0) is None


@pytest.mark.parametrize("n, k", [(0, 0), (1, 0), (2, 1), (3, 1), (10, 3), (11, 3), (100, 27), (1000, 270)])
def test_group_size(n, k):
    """Are the upper and lower groups 27% of the candidates, rounded half up, never overlapping?"""
    assert a.group_size(n) == k


def test_discrimination_upper_lower():
    """Is D the upper group's facility minus the lower group's, on a hand-worked set of ten?"""
    totals = [90, 80, 70, 60, 50, 40, 30, 20, 10, 0]
    right = [True, True, True, False, True, False, False, True, False, False]
    s = a.item_stats(right, totals)
    # upper 3 (90, 80, 70): 3 right; lower 3 (20, 10, 0): 1 right
    assert (s.upper_n, s.upper_right, s.lower_n, s.lower_right) == (3, 3, 3, 1)
    assert s.discrimination == pytest.approx(1 - 1 / 3)
    assert a.discrimination(3, 3, 1, 3) == pytest.approx(2 / 3)
    assert a.discrimination(1, 0, 0, 0) is None


def test_upper_lower_ties_by_id():
    """With equal totals, does the smaller id rank higher (as the SQL orders them)?"""
    upper, lower = a.upper_lower([50, 50, 50, 50], ids=[4, 3, 2, 1])
    assert upper == {3} and lower == {0}


def test_point_biserial_by_hand():
    """Right [T, T, F, F] with totals [4, 3, 2, 1]: M1 = 3.5, M0 = 1.5, s = √1.25, p = ½ → r = 2/√5."""
    r = a.point_biserial([True, True, False, False], [4, 3, 2, 1])
    assert r == pytest.approx(2 / math.sqrt(5))
    assert a.point_biserial_from_sums(4, 2, 7, 10, 30) == pytest.approx(2 / math.sqrt(5))


def test_point_biserial_undefined():
    """Is the correlation undefined when all are right, none are, or all totals are equal?"""
    assert a.point_biserial([True, True], [1, 2]) is None
    assert a.point_biserial([False, False], [1, 2]) is None
    assert a.point_biserial([True, False], [5, 5]) is None


def test_point_biserial_negative():
    """Does an item the weak get right and the strong get wrong correlate negatively?"""
    assert a.point_biserial([False, False, True, True], [4, 3, 2, 1]) == pytest.approx(-2 / math.sqrt(5))


def test_median():
    """Is the median the middle value, or the mean of the two middle ones?"""
    assert a.median([3, 1, 2]) == 2
    assert a.median([4, 1, 3, 2]) == 2.5
    assert a.median([7]) == 7
    assert a.median([]) is None


def test_histogram_bins():
    """Do percentages fall in [0,10) … [90,100] with 100 in the last bin?"""
    assert a.histogram([0, 9.99, 10, 55, 100, 100]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert a.bucket(-3) == 0 and a.bucket(130) == 9
    assert a.bin_labels()[0] == "0–10" and a.bin_labels()[-1] == "90–100"


def test_flags():
    """Are too hard, too easy and poorly discriminating questions flagged, and small samples never?"""
    assert a.flags(0.05, 0.5, 20) == ["过难（答对率低于10%）"]
    assert a.flags(0.97, 0.3, 20) == ["过易（答对率高于95%）"]
    assert a.flags(0.5, 0.1, 20) == ["区分度低于0.2"]
    assert a.flags(0.5, 0.2, 20) == []
    assert a.flags(0.01, -0.5, 9) == []


def test_item_stats_add_up():
    """Do stats of two groups added together equal the sums (as units and exams are merged)?"""
    s = a.ItemStats(4, 2, 1, 1, 1, 0, 7, 10, 30, {0: 2}) + a.ItemStats(2, 1, 0, 0, 0, 0, 3, 4, 10, {0: 1, 2: 1})
    assert (s.n, s.right, s.sum_right, s.sum_all, s.sumsq_all) == (6, 3, 10, 14, 40)
    assert s.options == {0: 3, 2: 1}


def test_option_counts():
    """Are chosen options counted from stored JSON text for each choice type?"""
    rows = [("2", 3), ("[0, 2]", 2), ("true", 1), ("false", 4), (None, 1), ("not json", 1)]
    assert a.option_counts(rows, "single") == {2: 3}
    assert a.option_counts(rows, "multiple") == {0: 2, 2: 2}
    assert a.option_counts(rows, "judge") == {1: 1, 0: 4}
    assert a.option_counts([(1, 5)], "single") == {1: 5}
