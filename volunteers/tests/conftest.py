import datetime

import pytest
from django.utils import timezone

from volunteers import ledger
from volunteers.models import RedemptionWindow, RewardItem, ServiceItem


@pytest.fixture
def patrol(db):
    return ServiceItem.objects.get(code="patrol")  # 2 points per hour


@pytest.fixture
def heat_relief(db):
    return ServiceItem.objects.get(code="seasonal_care")  # 5 points per activity


def credit(volunteer, amount, *, by, reason="起始积分"):
    """Give a volunteer points the way a coordinator would: an adjustment."""
    return ledger.adjust(volunteer, points=amount, by=by, reason=reason)


@pytest.fixture
def window(db):
    today = timezone.localdate()
    return RedemptionWindow.objects.create(
        year=today.year, opens_on=today - datetime.timedelta(days=3), closes_on=today + datetime.timedelta(days=10)
    )


@pytest.fixture
def kettle(db):
    return RewardItem.objects.create(name="电热水壶", points=30, stock=3)
