"""The yearly redemption (一年度一兑换): windows, rewards and their stock, redeeming, handing over, cancelling."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from volunteers import ledger
from volunteers.exceptions import AlreadyDone, PointsError
from volunteers.models import PointsEntry, Redemption, RedemptionWindow, RewardItem, Volunteer
from volunteers.quarters import today


def open_window(day=None):
    day = day or today()
    return RedemptionWindow.objects.filter(opens_on__lte=day, closes_on__gte=day).first()


def next_window(day=None):
    day = day or today()
    return RedemptionWindow.objects.filter(opens_on__gt=day).order_by("opens_on").first()


def change_stock(item, change):
    """Add `change` (negative: take away) to a reward's stock in one UPDATE, so redemptions made
    meanwhile still count. False, and nothing changed, if fewer are left than `change` takes away."""
    return bool(RewardItem.objects.filter(pk=item.pk, stock__gte=-change).update(stock=F("stock") + change))


def redeem(volunteer, item, *, token, now=None):
    """Spend points on a reward: balance and stock checked and taken under row locks."""
    day = today(now)
    try:
        with transaction.atomic():
            locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
            if Redemption.objects.filter(token=token).exists():
                raise AlreadyDone(_("This redemption was already received; it was counted once."))
            if not locked.is_approved:
                raise PointsError(_("Only approved volunteers can redeem points."))
            if open_window(day) is None:
                raise PointsError(_("Redemption is closed now."))
            reward = RewardItem.objects.select_for_update().get(pk=item.pk)
            if not reward.active:
                raise PointsError(_("“%(item)s” is no longer on the list.") % {"item": reward.name})
            if reward.stock < 1:
                raise PointsError(_("“%(item)s” is out of stock.") % {"item": reward.name})
            available = ledger.balance(locked)
            if available < reward.points:
                raise PointsError(
                    _("“%(item)s” needs %(points)d points; your balance is %(balance)d.")
                    % {"item": reward.name, "points": reward.points, "balance": available}
                )
            redemption = Redemption.objects.create(
                volunteer=locked, item=reward, points=reward.points, token=token, created_at=now or timezone.now()
            )
            change_stock(reward, -1)
            ledger.spend(locked, points=reward.points, source=redemption.source, by=locked.user, on=day, now=now)
    except IntegrityError:
        # The same form at the same instant: the token's unique constraint held.
        raise AlreadyDone(_("This redemption was already received; it was counted once.")) from None
    return redemption


def hand_over(redemption, *, by, now=None):
    with transaction.atomic():
        current = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if current.status != Redemption.Status.REQUESTED:
            return False
        current.status = Redemption.Status.HANDED_OVER
        current.closed_at = now or timezone.now()
        current.closed_by = by
        current.save(update_fields=["status", "closed_at", "closed_by"])
    redemption.refresh_from_db()
    return True


def cancel_redemption(redemption, *, by, reason, now=None):
    """Refund the points (a reversal) and return the reward to stock."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsError(_("Give a reason for cancelling."))
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=redemption.volunteer_id)
        current = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if current.status != Redemption.Status.REQUESTED:
            raise PointsError(_("Only a redemption that has not been handed over can be cancelled."))
        entry = PointsEntry.objects.select_related("volunteer").get(
            kind=PointsEntry.Kind.REDEMPTION, source=current.source
        )
        ledger.reverse(entry, by=by, reason=reason, now=now, cancelling_redemption=True)
        change_stock(current.item, 1)
        current.status = Redemption.Status.CANCELLED
        current.closed_at = now or timezone.now()
        current.closed_by = by
        current.cancel_reason = reason[:200]
        current.save(update_fields=["status", "closed_at", "closed_by", "cancel_reason"])
    redemption.refresh_from_db()
