"""The pure ranking rules: people, units and teams, awards, points."""
from datetime import date, datetime

from trainer.competitions import ranking
from trainer.competitions.ranking import Entry

T0 = datetime(2026, 11, 20, 19, 0)


def _at(minute: int) -> datetime:
    return T0.replace(minute=minute)


def test_higher_score_ranks_first():
    """Does the higher score come first whatever the time?"""
    ranked = ranking.rank_entries([Entry(1, 80, 900, _at(20)), Entry(2, 90, 1500, _at(30))])
    assert [(e.user_id, e.rank) for e in ranked] == [(2, 1), (1, 2)]


def test_equal_scores_are_broken_by_time_used():
    """With equal scores, does less time used rank higher?"""
    ranked = ranking.rank_entries([Entry(1, 80, 900, _at(10)), Entry(2, 80, 600, _at(30))])
    assert [(e.user_id, e.rank) for e in ranked] == [(2, 1), (1, 2)]


def test_equal_score_and_time_are_broken_by_submit_time():
    """With equal score and time used, does the earlier submission rank higher?"""
    ranked = ranking.rank_entries([Entry(1, 80, 600, _at(25)), Entry(2, 80, 600, _at(15))])
    assert [(e.user_id, e.rank) for e in ranked] == [(2, 1), (1, 2)]


def test_only_complete_ties_share_a_rank():
    """Do two entries equal in score, time and submit time share a rank, and the next one skip (1, 1, 3)?"""
    ranked = ranking.rank_entries([Entry(1, 80, 600, _at(5)), Entry(2, 80, 600, _at(5)), Entry(3, 70, 300, _at(1))])
    assert [e.rank for e in ranked] == [1, 1, 3]


def test_missing_time_sorts_after_known_time():
    """Does an entry without a recorded time come after an equal score with one?"""
    ranked = ranking.rank_entries([Entry(1, 80, None, _at(5)), Entry(2, 80, 900, _at(9))])
    assert [e.user_id for e in ranked] == [2, 1]


def test_each_person_counts_once_with_their_best():
    """With several attempts, does a person appear once, with their best attempt?"""
    ranked = ranking.rank_entries([Entry(1, 60, 300, _at(5)), Entry(1, 85, 900, _at(30)), Entry(2, 70, 100, _at(2))])
    assert [(e.user_id, e.score) for e in ranked] == [(1, 85), (2, 70)]


def test_a_unit_cannot_win_by_sending_only_its_best():
    """Does the default order (average over the whole audience, non-participants 0) rank a unit that sent
    everyone above one that sent only its best, while the participant average would reverse them?"""
    members = [(1, 11, 95.0)] + [(1, u, None) for u in (12, 13, 14)] + [(2, 21, 80.0), (2, 22, 75.0), (2, 23, 70.0)]
    names = {1: "甲科", 2: "乙科"}
    default = ranking.rank_groups(members, names)
    assert [g.name for g in default] == ["乙科", "甲科"]
    assert default[1].audience == 4 and default[1].participants == 1 and default[1].rate == 0.25
    assert round(default[1].audience_avg, 2) == 23.75 and default[0].audience_avg == 75
    by_participants = ranking.rank_groups(members, names, "participant_avg")
    assert [g.name for g in by_participants] == ["甲科", "乙科"]
    by_rate = ranking.rank_groups(members, names, "rate")
    assert by_rate[0].name == "乙科" and by_rate[0].rate == 1.0


def test_unknown_order_falls_back_to_the_default():
    """Does an unknown order rank by the whole-audience average?"""
    rows = ranking.rank_groups([(1, 1, 50.0), (2, 2, 60.0)], {1: "甲", 2: "乙"}, "whatever")
    assert [r.name for r in rows] == ["乙", "甲"]


def test_equal_groups_share_a_rank():
    """Do two groups equal on every average and rate share a rank?"""
    rows = ranking.rank_groups([(1, 1, 50.0), (2, 2, 50.0), (3, 3, None)], {1: "甲", 2: "乙", 3: "丙"})
    assert [r.rank for r in rows] == [1, 1, 3]


def test_award_cutoffs_by_count_and_by_share():
    """Are award tiers cumulative, by numbers of people or by shares of the participants?"""
    assert ranking.award_cutoffs("count", (1, 2, 3, 4), 100) == [1, 3, 6, 10]
    assert ranking.award_cutoffs("count", (1, 2, 3, 4), 4) == [1, 3, 4, 4]
    assert ranking.award_cutoffs("share", (5, 10, 15, 20), 40) == [2, 6, 12, 20]
    assert ranking.award_cutoffs("share", (1, 0, 0, 0), 10) == [1, 1, 1, 1]


def test_ties_share_the_award_of_their_rank():
    """Does everyone tied at a rank get that rank's award, and nobody past the last tier an award?"""
    cut = ranking.award_cutoffs("count", (1, 1, 1, 0), 10)
    assert [ranking.award_for(r, cut) for r in (1, 1, 2, 3, 4)] == ["一等奖", "一等奖", "二等奖", "三等奖", None]


def test_points_ranks():
    """Do equal point totals share a rank?"""
    assert ranking.rank_points([(1, 10), (2, 30), (3, 10), (4, 0)]) == [(1, 2, 30), (2, 1, 10), (2, 3, 10), (4, 4, 0)]


def test_weekly_cap():
    """Does an event earn only what is left of the week's cap?"""
    assert ranking.capped(5, None, 100) == 5
    assert ranking.capped(5, 12, 10) == 2
    assert ranking.capped(5, 12, 12) == 0


def test_drill_streak_days():
    """Is a streak day the third (or later) day in a row, and does a gap start again?"""
    days = [date(2026, 11, d) for d in (1, 2, 3, 4, 6, 7, 8)]
    assert ranking.drill_streak_days(days) == {date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 8)}
