import datetime
import json
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beefeed import ratelimit, spreadsheets
from beefeed.models import Organization
from beefeed.pagecache import public_page
from beefeed.parsing import parse_id, parse_page
from beefeed.views import too_many
from volunteers import card, deliveries, ledger, membership, notices, personal_data, publication, quarters, rewards
from volunteers.access import approved_volunteer_required, volunteer_of
from volunteers.exceptions import AlreadyDone, PointsError
from volunteers.forms import ClaimsForm, JoinForm, PartyBadgeForm, RedeemForm, SmsForm
from volunteers.models import RewardItem, Volunteer


def join(request):
    if volunteer_of(request.user) is not None:
        return redirect("volunteers:me")
    if request.method == "POST":
        ip = ratelimit.client_ip(request)
        if ratelimit.exceeded("join-ip", ip, limit=settings.JOINS_PER_IP_PER_HOUR):
            return too_many(request, _("Too many sign-ups from this network. Please try again in an hour."))
        ratelimit.hit("join-ip", ip, window=3600)
        form = JoinForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership.join(**{k: v for k, v in data.items() if k != "consent"})
            except IntegrityError:
                # The number joined before. The answer is the same as for a new number: whether a
                # number belongs to a courier is nobody else's business. The next page tells the
                # owner what to do (sign in, or ask a coordinator for a reset); nothing changed.
                pass
            request.session["joined_phone"] = data["phone"]
            return redirect("volunteers:joined")
    else:
        form = JoinForm()
    return render(request, "volunteers/join.html", {"form": form})


def joined(request):
    """After joining: sign in to follow the approval. The same page whether or not the number
    had joined before (nobody learns that from it)."""
    phone = request.session.get("joined_phone")
    if not phone:
        return redirect("volunteers:join")
    return render(request, "volunteers/joined.html", {"phone": phone, "next": reverse("volunteers:me")})


@login_required
def me(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "volunteers/not_approved.html", {"volunteer": None}, status=403)
    entries = Paginator(volunteer.ledger.select_related("item", "reverses"), 15).get_page(
        parse_page(request.GET.get("page"))
    )
    recent_notices = list(volunteer.notices.all()[:10])
    context = {
        "volunteer": volunteer,
        "balance": ledger.balance(volunteer),
        "hours": ledger.hours(volunteer),
        "ledger": entries,
        "page": entries,
        "claims_form": ClaimsForm(initial={"items": [c.item_id for c in volunteer.claims.all()]}),
        "claimed": [c.item for c in volunteer.claims.select_related("item")],
        "this_year": ledger.quarter_figures(volunteer, quarters.today().year),
        "tallies": volunteer.tallies.select_related("quarter").order_by("-quarter__year", "-quarter__number"),
        "notices": recent_notices,
        "window": rewards.open_window(),
        "sms_form": SmsForm(initial={"moments": volunteer.sms_choice}) if deliveries.sms_offered() else None,
        "party_form": PartyBadgeForm(initial={"show_party_member": volunteer.show_party_member}),
    }
    response = render(request, "volunteers/me.html", context)
    notices.mark_read(volunteer, recent_notices)
    return response


@require_POST
@login_required
def claims(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None or volunteer.status == Volunteer.Status.SUSPENDED:
        return render(request, "volunteers/not_approved.html", {"volunteer": volunteer}, status=403)
    form = ClaimsForm(request.POST)
    if form.is_valid():
        membership.set_claims(volunteer, form.cleaned_data["items"])
        messages.success(request, _("Your claimed service items are saved."))
    else:
        messages.error(request, _("Some of those items are no longer on the list; nothing was changed."))
    return redirect(reverse("volunteers:me") + "#claims")


@require_POST
@login_required
def sms_choices(request):
    """The moments the courier wants by SMS (opt-in); everything still appears under Notices."""
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return render(request, "volunteers/not_approved.html", {"volunteer": None}, status=403)
    form = SmsForm(request.POST)
    if form.is_valid():
        deliveries.choose_sms(volunteer, form.cleaned_data["moments"])
        messages.success(request, _("Your choice of text messages is saved."))
    else:
        messages.error(request, _("That choice is not on the list; nothing was changed."))
    return redirect(reverse("volunteers:me") + "#sms")


@require_POST
@login_required
def party_badge(request):
    """Show or stop showing one's party membership (亮明身份) on the card and at a station's 党员先锋岗."""
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return render(request, "volunteers/not_approved.html", {"volunteer": None}, status=403)
    form = PartyBadgeForm(request.POST)
    form.is_valid()  # a checkbox: ticked or not, nothing else to get wrong
    shown = membership.show_party_membership(volunteer, show=form.cleaned_data.get("show_party_member"))
    saved = _("Saved: your party membership is shown.") if shown else _("Saved: your party membership is not shown.")
    messages.success(request, saved)
    return redirect(reverse("volunteers:me") + "#party")


@approved_volunteer_required
def redeem(request):
    volunteer = request.volunteer
    if request.method == "POST":
        form = RedeemForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("That form was incomplete; nothing was redeemed. Please try again."))
            return redirect("volunteers:redeem")
        item = RewardItem.objects.filter(pk=form.cleaned_data["item"]).first()
        if item is None:
            messages.error(request, _("That reward is no longer on the list; nothing was redeemed."))
            return redirect("volunteers:redeem")
        try:
            redemption = rewards.redeem(volunteer, item, token=form.cleaned_data["token"])
        except AlreadyDone as error:
            messages.info(request, str(error))
        except PointsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("You redeemed “%(item)s” for %(points)d points. Collect it from your community.")
                % {"item": redemption.item.name, "points": redemption.points},
            )
        return redirect("volunteers:redeem")
    window = rewards.open_window()
    balance = ledger.balance(volunteer)
    items = list(RewardItem.objects.filter(active=True))
    for item in items:
        item.missing = max(0, item.points - balance)
    context = {
        "volunteer": volunteer,
        "balance": balance,
        "window": window,
        "next_window": None if window else rewards.next_window(),
        "items": items,
        "chosen": request.GET.get("item", ""),
        "token": uuid.uuid4(),
        "redemptions": volunteer.redemptions.select_related("item")[:20],
    }
    return render(request, "volunteers/redeem.html", context)


@approved_volunteer_required
def my_card(request):
    return render(request, "volunteers/cards.html", {"cards": [card.card_for(request, request.volunteer)]})


def card_check(request, token):
    """Public: is this points card genuine? Shortened name and community only."""
    volunteer = Volunteer.objects.select_related("community").filter(card_token=token).first()
    status = 200 if volunteer is not None else 404
    return render(request, "volunteers/card_check.html", {"volunteer": volunteer}, status=status)


@public_page("volunteers")
def points_board(request):
    """Public: the closed quarters' tallies per community (一季度一统计, 公示)."""
    quarters = publication.closed_quarters()
    quarter = publication.pick_quarter(quarters, request.GET.get("quarter"))
    community_pk = parse_id(request.GET.get("community"))
    community = Organization.objects.areas().filter(pk=community_pk).first() if community_pk else None
    context = {
        "quarters": quarters,
        "quarter": quarter,
        "community": community,
        "communities": Organization.objects.areas().order_by("name"),
        "groups": publication.tallies_by_community(quarter, community) if quarter else [],
    }
    return render(request, "volunteers/points.html", context)


def card_page_for_staff(request, volunteers):
    """Several cards in one printable page (the admin's "print cards" action)."""
    return render(request, "volunteers/cards.html", {"cards": [card.card_for(request, v) for v in volunteers]})


def points_sheet(request, quarter, community):
    """Public: the A4 sheet a station pins to the wall (公示) for one community and quarter."""
    try:
        year, number = quarters.parse_quarter(quarter)
    except PointsError:
        raise Http404 from None
    closed = publication.closed_quarters().filter(year=year, number=number).first()
    if closed is None:
        raise Http404
    org = get_object_or_404(Organization.objects.areas(), pk=community)
    groups = publication.tallies_by_community(closed, org)
    first, last = quarters.quarter_bounds(year, number)
    context = {
        "quarter": closed,
        "community": org,
        "rows": groups[0][1] if groups else [],
        "first": first,
        "last": last,
    }
    return render(request, "volunteers/points_sheet.html", context)


def _own_volunteer(request):
    volunteer = volunteer_of(request.user)
    if volunteer is None or volunteer.erased_at:
        raise Http404
    return volunteer


@login_required
def my_data(request):
    """What we hold about you: download it, or delete your account."""
    volunteer = _own_volunteer(request)
    error = ""
    if request.method == "POST":
        if request.user.check_password(request.POST.get("password", "")):
            personal_data.erase(volunteer)
            logout(request)
            return render(request, "volunteers/erased.html")
        error = _("That password is not right; nothing was deleted.")
    data = personal_data.collect(request, volunteer)
    counts = {name: len(rows) for name, rows in data.items()}
    return render(request, "volunteers/my_data.html", {"counts": counts, "error": error}, status=400 if error else 200)


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


@login_required
def my_data_download(request, fmt):
    volunteer = _own_volunteer(request)
    data = personal_data.collect(request, volunteer)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        body = json.dumps(
            {name: [{k: _plain(v) for k, v in row.items()} for row in rows] for name, rows in data.items()},
            ensure_ascii=False,
            indent=2,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="beefeed-my-data-{stamp}.json"'
        return response
    if fmt != "xlsx":
        raise Http404
    sheets = [
        (name, list(rows[0].keys()) if rows else ["—"], [list(r.values()) for r in rows]) for name, rows in data.items()
    ]
    response = HttpResponse(spreadsheets.workbook(sheets), content_type=spreadsheets.XLSX)
    response["Content-Disposition"] = f'attachment; filename="beefeed-my-data-{stamp}.xlsx"'
    return response
