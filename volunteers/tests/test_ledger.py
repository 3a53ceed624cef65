"""The points ledger: append-only, paid once per source and rule, balance = sum."""

import datetime
import uuid
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from volunteers import activities, ledger, quarters, rewards, tallies
from volunteers.exceptions import AlreadyDone, PointsError
from volunteers.models import Activity, PointsEntry, Quarter, QuarterTally, Redemption, Volunteer
from volunteers.tests.conftest import credit

pytestmark = pytest.mark.django_db


def last_quarter():
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    return quarters.quarter_of(first_of_this - datetime.timedelta(days=1))


def a_day_in(year, number):
    return quarters.quarter_bounds(year, number)[0] + datetime.timedelta(days=10)


def pay_patrol(volunteer, patrol, coordinator, *, source="activity:1", hours=Decimal("2.0"), on=None):
    return ledger.award(
        volunteer,
        item=patrol,
        source=source,
        rule="activity",
        points=activities.activity_points(patrol, hours),
        hours=hours,
        by=coordinator,
        on=on or timezone.localdate(),
    )


def test_quarters_have_the_calendar_bounds():
    assert quarters.quarter_bounds(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert quarters.quarter_bounds(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    assert quarters.quarter_of(datetime.date(2026, 7, 1)) == (2026, 3)
    assert quarters.parse_quarter(" 2026q4 ") == (2026, 4)
    with pytest.raises(PointsError):
        quarters.parse_quarter("2026Q5")
    for other_digits in ("٢٠٢٦Q٤", "２０２６Q4", "2026Q⁴", "+2026Q4", "2026Q-4", "2026 Q 4"):
        with pytest.raises(PointsError):
            quarters.parse_quarter(other_digits)


def test_balance_is_the_sum_of_the_entries(volunteer, patrol, coordinator):
    assert ledger.balance(volunteer) == 0
    pay_patrol(volunteer, patrol, coordinator, hours=Decimal("2.5"))  # 2.5 h × 2 = 5
    credit(volunteer, 7, by=coordinator)
    assert ledger.balance(volunteer) == 12
    assert ledger.hours(volunteer) == Decimal("2.5")
    assert ledger.balance(volunteer) == sum(
        PointsEntry.objects.filter(volunteer=volunteer).values_list("points", flat=True)
    )


def test_one_source_is_paid_once_per_rule(volunteer, patrol, coordinator):
    assert pay_patrol(volunteer, patrol, coordinator) is not None
    assert pay_patrol(volunteer, patrol, coordinator) is None
    assert PointsEntry.objects.filter(volunteer=volunteer).count() == 1
    assert ledger.balance(volunteer) == 4


def test_the_database_refuses_a_second_payment_even_bypassing_the_module(volunteer, patrol, coordinator):
    first = pay_patrol(volunteer, patrol, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(
            volunteer=volunteer,
            kind="award",
            points=4,
            item=patrol,
            source=first.source,
            rule=first.rule,
            occurred_on=first.occurred_on,
        )


def test_an_entry_cannot_be_edited_or_deleted(volunteer, patrol, coordinator):
    entry = pay_patrol(volunteer, patrol, coordinator)
    entry.points = 1000
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        PointsEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(PermissionDenied):
        PointsEntry.objects.filter(pk=entry.pk).delete()
    # Not even raw SQL gets past the database's trigger.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE volunteers_pointsentry SET points = 1000 WHERE id = %s", [entry.pk])
    assert PointsEntry.objects.get(pk=entry.pk).points == 4


@pytest.mark.postgres
def test_postgresql_refuses_deleting_an_entry_with_raw_sql(volunteer, patrol, coordinator):
    if connection.vendor != "postgresql":
        pytest.skip("the delete trigger is PostgreSQL's (SQLite's test flush deletes rows)")
    entry = pay_patrol(volunteer, patrol, coordinator)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM volunteers_pointsentry WHERE id = %s", [entry.pk])
    assert PointsEntry.objects.filter(pk=entry.pk).exists()


def test_a_reversal_names_the_entry_and_happens_once(volunteer, patrol, coordinator):
    entry = pay_patrol(volunteer, patrol, coordinator)
    reversal = ledger.reverse(entry, by=coordinator, reason="没有参加巡逻")
    assert (reversal.kind, reversal.points, reversal.hours, reversal.reverses) == ("reversal", -4, -2, entry)
    assert ledger.balance(volunteer) == 0
    with pytest.raises(PointsError, match="已经冲销|already been reversed"):
        ledger.reverse(entry, by=coordinator, reason="再来一次")
    with pytest.raises(PointsError):
        ledger.reverse(reversal, by=coordinator, reason="冲销的冲销")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(
            volunteer=volunteer, kind="reversal", points=-4, reverses=entry, reason="x", occurred_on=entry.occurred_on
        )
    assert ledger.balance(volunteer) == 0


def test_corrections_need_a_reason(volunteer, patrol, coordinator):
    entry = pay_patrol(volunteer, patrol, coordinator)
    with pytest.raises(PointsError):
        ledger.reverse(entry, by=coordinator, reason="  ")
    with pytest.raises(PointsError):
        ledger.adjust(volunteer, points=3, by=coordinator, reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(volunteer=volunteer, kind="adjustment", points=3, occurred_on=entry.occurred_on)
    assert ledger.balance(volunteer) == 4


def test_a_closed_quarter_takes_no_new_entry(volunteer, patrol, coordinator):
    year, number = last_quarter()
    old = pay_patrol(volunteer, patrol, coordinator, on=a_day_in(year, number))
    tallies.close_quarter(year, number, by=coordinator)
    with pytest.raises(PointsError, match="closed|已结账|已关闭"):
        pay_patrol(volunteer, patrol, coordinator, source="activity:2", on=a_day_in(year, number))
    # The correction goes into the current quarter and names the original.
    correction = ledger.adjust(volunteer, points=-4, by=coordinator, reason="巡逻时长记错", corrects=old)
    assert quarters.quarter_of(correction.occurred_on) == quarters.quarter_of(timezone.localdate())
    assert correction.source == f"entry:{old.pk}"
    assert ledger.balance(volunteer) == 0


def test_closing_a_quarter_freezes_each_volunteers_figures(volunteer, patrol, heat_relief, coordinator, community_b):
    from conftest import make_volunteer

    other = make_volunteer("13700000002", community_b, name="王二")
    year, number = last_quarter()
    day = a_day_in(year, number)
    pay_patrol(volunteer, patrol, coordinator, hours=Decimal("3.0"), on=day)  # 6 points, 3 h
    cancelled = ledger.award(
        volunteer, item=heat_relief, source="activity:9", rule="activity", points=5, by=coordinator, on=day
    )
    ledger.reverse(cancelled, by=coordinator, reason="活动取消")  # reversed in the current quarter
    ledger.award(other, item=heat_relief, source="activity:9", rule="activity", points=5, by=coordinator, on=day)

    quarter = tallies.close_quarter(year, number, by=coordinator)

    mine = QuarterTally.objects.get(quarter=quarter, volunteer=volunteer)
    assert (mine.points, mine.hours, mine.community) == (11, Decimal("3.0"), volunteer.community)
    assert QuarterTally.objects.get(quarter=quarter, volunteer=other).points == 5
    with pytest.raises(PointsError, match="already closed|已经结账|已结账"):
        tallies.close_quarter(year, number, by=coordinator)
    assert Quarter.objects.filter(year=year, number=number).count() == 1


def test_a_quarter_that_has_not_ended_cannot_be_closed(coordinator):
    year, number = quarters.quarter_of(timezone.localdate())
    with pytest.raises(PointsError):
        tallies.close_quarter(year, number, by=coordinator)
    assert not Quarter.objects.exists()


def test_close_quarter_command(coordinator, volunteer, patrol):
    year, number = last_quarter()
    pay_patrol(volunteer, patrol, coordinator, on=a_day_in(year, number))
    out = StringIO()
    call_command("close_quarter", f"{year}Q{number}", "--by", coordinator.username, stdout=out)
    assert f"{year}Q{number}" in out.getvalue()
    assert QuarterTally.objects.get(volunteer=volunteer).points == 4
    with pytest.raises(CommandError):
        call_command("close_quarter", f"{year}Q{number}", "--by", coordinator.username, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("close_quarter", "last-year", "--by", coordinator.username, stdout=StringIO())


def test_an_activity_pays_its_participants_by_the_items_rule(volunteer, patrol, coordinator, community_a):
    from conftest import make_volunteer

    other = make_volunteer("13700000003", community_a, name="李三")
    activity = Activity.objects.create(
        item=patrol, title="夜间巡逻", date=timezone.localdate(), hours=Decimal("1.5"), recorded_by=coordinator
    )
    activity.participants.set([volunteer, other])
    assert activities.settle_activity(activity, by=coordinator) == (2, [])
    assert activities.settle_activity(activity, by=coordinator) == (0, [])  # saved again: nobody is paid twice
    assert ledger.balance(volunteer) == 3  # 1.5 h × 2 points, rounded half up
    assert ledger.hours(other) == Decimal("1.5")

    activity.participants.remove(other)
    activities.settle_activity(activity, by=coordinator)
    assert ledger.balance(other) == 0
    assert "夜间巡逻" in PointsEntry.objects.get(volunteer=other, kind="reversal").reason
    assert ledger.balance(volunteer) == 3

    # Added back: the activity already paid them once; the coordinator is told, nothing is paid silently.
    activity.participants.add(other)
    assert activities.settle_activity(activity, by=coordinator) == (0, ["李三"])
    assert ledger.balance(other) == 0


def test_unspent_points_carry_over_by_default(settings, volunteer, patrol, coordinator):
    settings.POINTS_LAPSE_AT_YEAR_END = False
    year = timezone.localdate().year - 1
    pay_patrol(volunteer, patrol, coordinator, on=datetime.date(year, 11, 2))
    tallies.close_quarter(year, 4, by=coordinator)
    assert ledger.balance(volunteer) == 4
    assert not PointsEntry.objects.filter(kind="lapse").exists()


def test_unspent_points_lapse_as_an_explicit_entry_when_the_district_says_so(settings, volunteer, patrol, coordinator):
    settings.POINTS_LAPSE_AT_YEAR_END = True
    year = timezone.localdate().year - 1
    pay_patrol(volunteer, patrol, coordinator, on=datetime.date(year, 11, 2))
    tallies.close_quarter(year, 4, by=coordinator)
    lapse = PointsEntry.objects.get(kind="lapse")
    assert (lapse.points, lapse.occurred_on) == (-4, datetime.date(year, 12, 31))
    assert ledger.balance(volunteer) == 0
    assert QuarterTally.objects.get(volunteer=volunteer).points == 4  # earned is still earned


def test_a_lapse_never_takes_points_already_spent_after_new_year(settings, volunteer, patrol, coordinator, kettle):
    settings.POINTS_LAPSE_AT_YEAR_END = True
    year = timezone.localdate().year - 1
    pay_patrol(volunteer, patrol, coordinator, hours=Decimal("50"), on=datetime.date(year, 11, 2))  # 100 points
    from volunteers.models import RedemptionWindow

    today = timezone.localdate()
    RedemptionWindow.objects.create(year=today.year, opens_on=today, closes_on=today)
    rewards.redeem(volunteer, kettle, token=uuid.uuid4())  # 30 spent in the new year, before Q4 is closed
    tallies.close_quarter(year, 4, by=coordinator)
    assert ledger.balance(volunteer) == 0
    assert PointsEntry.objects.get(kind="lapse").points == -70


class TestRedemption:
    def test_a_redemption_takes_points_and_stock(self, volunteer, coordinator, window, kettle):
        credit(volunteer, 50, by=coordinator)
        redemption = rewards.redeem(volunteer, kettle, token=uuid.uuid4())
        kettle.refresh_from_db()
        assert (redemption.status, redemption.points, kettle.stock) == ("requested", 30, 2)
        assert ledger.balance(volunteer) == 20
        assert PointsEntry.objects.get(kind="redemption").source == redemption.source

    def test_a_double_submitted_form_is_paid_once(self, volunteer, coordinator, window, kettle):
        credit(volunteer, 100, by=coordinator)
        token = uuid.uuid4()
        rewards.redeem(volunteer, kettle, token=token)
        with pytest.raises(AlreadyDone):
            rewards.redeem(volunteer, kettle, token=token)
        kettle.refresh_from_db()
        assert (Redemption.objects.count(), kettle.stock, ledger.balance(volunteer)) == (1, 2, 70)

    def test_not_enough_points_is_refused_and_changes_nothing(self, volunteer, coordinator, window, kettle):
        credit(volunteer, 29, by=coordinator)
        with pytest.raises(PointsError, match="29"):
            rewards.redeem(volunteer, kettle, token=uuid.uuid4())
        kettle.refresh_from_db()
        assert (Redemption.objects.count(), kettle.stock, ledger.balance(volunteer)) == (0, 3, 29)

    def test_out_of_stock_is_refused(self, volunteer, coordinator, window, kettle):
        credit(volunteer, 100, by=coordinator)
        kettle.stock = 0
        kettle.save()
        with pytest.raises(PointsError):
            rewards.redeem(volunteer, kettle, token=uuid.uuid4())
        assert ledger.balance(volunteer) == 100

    def test_outside_the_window_nothing_is_redeemed(self, volunteer, coordinator, kettle):
        credit(volunteer, 100, by=coordinator)
        with pytest.raises(PointsError):
            rewards.redeem(volunteer, kettle, token=uuid.uuid4())
        assert ledger.balance(volunteer) == 100

    def test_cancelling_refunds_the_points_and_returns_the_stock(self, volunteer, coordinator, window, kettle):
        credit(volunteer, 30, by=coordinator)
        redemption = rewards.redeem(volunteer, kettle, token=uuid.uuid4())
        rewards.cancel_redemption(redemption, by=coordinator, reason="本人放弃")
        kettle.refresh_from_db()
        assert (redemption.status, kettle.stock, ledger.balance(volunteer)) == ("cancelled", 3, 30)
        with pytest.raises(PointsError):
            rewards.cancel_redemption(redemption, by=coordinator, reason="再取消一次")
        assert ledger.balance(volunteer) == 30

    def test_a_handed_over_reward_cannot_be_cancelled(self, volunteer, coordinator, window, kettle):
        credit(volunteer, 30, by=coordinator)
        redemption = rewards.redeem(volunteer, kettle, token=uuid.uuid4())
        assert rewards.hand_over(redemption, by=coordinator)
        assert not rewards.hand_over(redemption, by=coordinator)
        with pytest.raises(PointsError):
            rewards.cancel_redemption(redemption, by=coordinator, reason="晚了")
        assert ledger.balance(volunteer) == 0

    def test_a_redemption_entry_is_not_reversed_behind_the_stocks_back(self, volunteer, coordinator, window, kettle):
        credit(volunteer, 30, by=coordinator)
        rewards.redeem(volunteer, kettle, token=uuid.uuid4())
        with pytest.raises(PointsError):
            ledger.reverse(PointsEntry.objects.get(kind="redemption"), by=coordinator, reason="退回")
        assert ledger.balance(volunteer) == 0


def test_a_rewards_stock_changes_by_what_was_added_or_taken_and_never_below_zero(kettle):
    assert not rewards.change_stock(kettle, -4)  # three are left
    kettle.refresh_from_db()
    assert kettle.stock == 3
    assert rewards.change_stock(kettle, -3) and rewards.change_stock(kettle, 2)
    kettle.refresh_from_db()
    assert kettle.stock == 2


def _raw_update(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_lets_only_an_erased_volunteers_reasons_be_rewritten(volunteer, patrol, coordinator):
    entry = credit(volunteer, 7, by=coordinator, reason="补录叶小蜂的巡逻")
    reason = "UPDATE volunteers_pointsentry SET reason = %s WHERE id = %s"
    with pytest.raises(DatabaseError):
        _raw_update(reason, ["改掉", entry.pk])  # not erased: the reason is as fixed as the rest
    Volunteer.objects.filter(pk=volunteer.pk).update(erased_at=timezone.now())
    with pytest.raises(DatabaseError):
        _raw_update("UPDATE volunteers_pointsentry SET points = 1000, reason = %s WHERE id = %s", ["改掉", entry.pk])
    with pytest.raises(DatabaseError):
        _raw_update("UPDATE volunteers_pointsentry SET occurred_on = %s WHERE id = %s", ["2020-01-01", entry.pk])
    _raw_update(reason, ["补录已注销的小蜜蜂的巡逻", entry.pk])
    entry = PointsEntry.objects.get(pk=entry.pk)
    assert (entry.points, entry.reason) == (7, "补录已注销的小蜜蜂的巡逻")
