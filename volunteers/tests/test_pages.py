"""What a courier, a coordinator and the public see of the volunteers' pages."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from beefeed.models import User
from conftest import PASSWORD, make_volunteer
from volunteers import ledger, membership, quarters, tallies
from volunteers.models import Claim, Notice, PointsEntry, Redemption, ServiceItem, Volunteer
from volunteers.tests.conftest import credit

pytestmark = pytest.mark.django_db

PHONE_RUN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def join_data(community, **overrides):
    data = {
        "name": "叶小蜂",
        "phone": "138 1234 5678",
        "password": "honey-bee-2026",
        "work_type": "food",
        "employer": "美团外卖",
        "community": community.pk,
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestJoining:
    def test_a_courier_joins_signs_in_and_waits_for_approval(self, client, community_a):
        response = client.post(reverse("volunteers:join"), join_data(community_a), follow=True)
        volunteer = Volunteer.objects.get()
        assert (volunteer.user.phone, volunteer.status, volunteer.work_type) == ("13812345678", "pending", "food")
        assert volunteer.privacy_consent_at is not None
        body = response.content.decode()
        assert "申请已收到" in body and 'value="13812345678"' in body  # the number is ready to sign in
        response = client.post(
            reverse("login"), {"username": "13812345678", "password": "honey-bee-2026", "next": "/me/"}, follow=True
        )
        assert "等待" in response.content.decode()  # signed in, and told approval is pending
        # ... and cannot report yet
        assert client.get(reverse("issues:report_new")).status_code == 403

    def test_a_community_chosen_in_other_digits_is_a_form_error(self, client, community_a):
        arabic_indic = str(community_a.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        response = client.post(reverse("volunteers:join"), {**join_data(community_a), "community": arabic_indic})
        assert "请选择所在社区。" in response.content.decode()
        assert not Volunteer.objects.exists()

    def test_after_approval_the_volunteer_signs_in_with_the_phone_and_reports(self, client, community_a, coordinator):
        client.post(reverse("volunteers:join"), join_data(community_a))
        client.logout()
        membership.approve(Volunteer.objects.get(), by=coordinator)
        response = client.post(reverse("login"), {"username": "13812345678", "password": "honey-bee-2026"})
        assert response.status_code == 302 and response.url == reverse("volunteers:me")
        assert client.get(reverse("issues:report_new")).status_code == 200

    @pytest.mark.parametrize(
        "phone, message",
        [
            ("12345678901", "11位"),
            ("1381234567", "11位"),
            ("电话号码", "11位"),
            ("13٣12345678", "11位"),
            ("", "手机号"),
        ],
    )
    def test_a_wrong_mobile_number_is_explained_and_the_rest_is_kept(self, client, community_a, phone, message):
        response = client.post(reverse("volunteers:join"), join_data(community_a, phone=phone))
        body = response.content.decode()
        assert response.status_code == 200
        assert message in body
        assert 'value="叶小蜂"' in body and 'value="美团外卖"' in body
        assert not Volunteer.objects.exists()

    def test_a_number_that_already_joined_gets_the_same_answer_as_a_new_one(self, client, community_a, volunteer):
        """Nobody learns from the join form whether a number belongs to a courier."""

        def answer(phone):
            client.cookies.clear()
            response = client.post(
                reverse("volunteers:join"), join_data(community_a, phone=phone, name="冒名者"), follow=True
            )
            body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
            return response.redirect_chain, response.status_code, body.replace(phone, "NUMBER")

        taken = answer(volunteer.user.phone)
        new = answer("13700001111")
        assert taken == new
        # The owner is told, in the same words everyone gets, how to sign in or get a reset.
        assert "原密码" in taken[2] and "协调员" in taken[2]
        # Nothing changed for the existing courier, and nobody was signed in.
        volunteer.refresh_from_db()
        assert volunteer.name != "冒名者" and volunteer.user.check_password(PASSWORD)
        assert Volunteer.objects.count() == 2
        assert "_auth_user_id" not in client.session

    def test_the_page_after_joining_needs_a_join_first(self, client):
        assert client.get(reverse("volunteers:joined")).url == reverse("volunteers:join")

    def test_consent_to_the_privacy_notice_is_required(self, client, community_a):
        response = client.post(reverse("volunteers:join"), join_data(community_a, consent=None))
        assert "隐私说明" in response.content.decode()
        assert not Volunteer.objects.exists()

    def test_a_weak_password_is_refused(self, client, community_a):
        response = client.post(reverse("volunteers:join"), join_data(community_a, password="12345678"))
        assert response.status_code == 200
        assert not Volunteer.objects.exists()

    def test_party_membership_is_shown_only_when_chosen(self, client, community_a):
        client.post(reverse("volunteers:join"), join_data(community_a, party_member="on"))
        volunteer = Volunteer.objects.get()
        assert volunteer.party_member and not volunteer.shows_party_badge

    def test_joining_is_limited_per_network(self, client, community_a, settings):
        settings.JOINS_PER_IP_PER_HOUR = 2
        for n in range(2):
            client.post(reverse("volunteers:join"), join_data(community_a, phone=f"1391234000{n}"))
            client.logout()
        response = client.post(reverse("volunteers:join"), join_data(community_a, phone="13912340009"))
        assert response.status_code == 429
        assert "稍后" in response.content.decode() or "一小时" in response.content.decode()
        assert Volunteer.objects.count() == 2


class TestSignIn:
    def test_sign_in_is_limited_per_account(self, client, volunteer, settings):
        settings.LOGIN_FAILURES_PER_ACCOUNT = 3
        for _ in range(3):
            assert (
                client.post(reverse("login"), {"username": volunteer.user.phone, "password": "wrong"}).status_code
                == 200
            )
        # Even the right password waits now: a guesser learns nothing.
        response = client.post(reverse("login"), {"username": volunteer.user.phone, "password": PASSWORD})
        assert response.status_code == 429
        assert "分钟" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_sign_in_is_limited_per_address(self, client, volunteer, settings):
        settings.LOGIN_FAILURES_PER_IP = 3
        for n in range(3):
            client.post(reverse("login"), {"username": f"1390000000{n}", "password": "wrong"})
        response = client.post(reverse("login"), {"username": volunteer.user.phone, "password": PASSWORD})
        assert response.status_code == 429

    def test_the_number_may_be_typed_as_when_joining(self, client, volunteer):
        typed = "+86 " + volunteer.user.phone[:3] + " " + volunteer.user.phone[3:7] + " " + volunteer.user.phone[7:]
        response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
        assert response.status_code == 302 and client.session.get("_auth_user_id") == str(volunteer.user.pk)

    def test_staff_land_in_the_admin(self, client, coordinator):
        response = client.post(reverse("login"), {"username": "coord", "password": PASSWORD})
        assert response.url == reverse("admin:index")


class TestMyPage:
    def test_it_shows_balance_hours_ledger_and_notices(self, client, volunteer, coordinator, patrol):
        ledger.award(
            volunteer,
            item=patrol,
            source="activity:1",
            rule="activity",
            points=6,
            hours=Decimal("3.0"),
            by=coordinator,
            on=timezone.localdate(),
        )
        Notice.objects.create(volunteer=volunteer, text="您报送的问题已办结公示")
        client.force_login(volunteer.user)
        body = client.get(reverse("volunteers:me")).content.decode()
        assert 'id="balance">6<' in body
        assert "社区巡逻" in body and "+6" in body
        assert "您报送的问题已办结公示" in body
        assert Notice.objects.get().read_at is not None

    def test_the_ledger_is_paginated(self, client, volunteer, coordinator):
        for n in range(20):
            credit(volunteer, 1, by=coordinator, reason=f"第{n}笔")
        client.force_login(volunteer.user)
        body = client.get(reverse("volunteers:me") + "?page=2").content.decode()
        assert "第 2 页" in body or "Page 2" in body

    def test_a_volunteer_claims_service_items(self, client, volunteer):
        chosen = list(ServiceItem.objects.filter(code__in=["patrol", "anti_fraud"]))
        client.force_login(volunteer.user)
        client.post(reverse("volunteers:claims"), {"items": [i.pk for i in chosen]})
        assert set(Claim.objects.filter(volunteer=volunteer).values_list("item__code", flat=True)) == {
            "patrol",
            "anti_fraud",
        }
        client.post(reverse("volunteers:claims"), {"items": [chosen[0].pk]})
        assert Claim.objects.filter(volunteer=volunteer).count() == 1

    def test_an_unknown_item_changes_nothing(self, client, volunteer):
        membership.set_claims(volunteer, [ServiceItem.objects.get(code="patrol")])
        client.force_login(volunteer.user)
        client.post(reverse("volunteers:claims"), {"items": ["999999"]})
        assert list(Claim.objects.filter(volunteer=volunteer).values_list("item__code", flat=True)) == ["patrol"]

    def test_a_pending_volunteer_sees_the_page_but_no_card(self, client, pending_volunteer):
        client.force_login(pending_volunteer.user)
        assert client.get(reverse("volunteers:me")).status_code == 200
        assert client.get(reverse("volunteers:card")).status_code == 403
        assert client.get(reverse("volunteers:redeem")).status_code == 403


class TestRedeemPage:
    def test_a_volunteer_redeems_in_the_window(self, client, volunteer, coordinator, window, kettle):
        credit(volunteer, 40, by=coordinator)
        client.force_login(volunteer.user)
        page = client.get(reverse("volunteers:redeem") + f"?item={kettle.pk}").content.decode()
        token = re.search(r'name="token" value="([0-9a-f-]+)"', page).group(1)
        response = client.post(reverse("volunteers:redeem"), {"item": kettle.pk, "token": token}, follow=True)
        assert "电热水壶" in response.content.decode()
        assert ledger.balance(volunteer) == 10
        # The same form sent again (a double tap, a reload) is refused and not paid twice.
        again = client.post(reverse("volunteers:redeem"), {"item": kettle.pk, "token": token}, follow=True)
        assert "已经提交过" in again.content.decode()
        assert Redemption.objects.count() == 1 and ledger.balance(volunteer) == 10

    def test_outside_the_window_the_page_says_when_it_opens(self, client, volunteer, kettle):
        today = timezone.localdate()
        from volunteers.models import RedemptionWindow

        RedemptionWindow.objects.create(
            year=today.year + 1,
            opens_on=today + datetime.timedelta(days=40),
            closes_on=today + datetime.timedelta(days=60),
        )
        client.force_login(volunteer.user)
        body = client.get(reverse("volunteers:redeem")).content.decode()
        opens = today + datetime.timedelta(days=40)
        assert f"{opens.year}年{opens.month}月{opens.day}日" in body  # as Chinese writes a date
        assert 'name="token"' not in body

    @pytest.mark.parametrize("data", [{}, {"item": "x", "token": "y"}, {"item": "99999", "token": str(uuid.uuid4())}])
    def test_broken_forms_get_a_message_not_an_error(self, client, volunteer, window, data):
        client.force_login(volunteer.user)
        response = client.post(reverse("volunteers:redeem"), data, follow=True)
        assert response.status_code == 200
        assert not Redemption.objects.exists()


class TestPublicPages:
    def closed_quarter_with(self, volunteer, coordinator, patrol):
        first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
        year, number = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
        on = quarters.quarter_bounds(year, number)[0] + datetime.timedelta(days=5)
        ledger.award(volunteer, item=patrol, source="activity:1", rule="activity", points=8, by=coordinator, on=on)
        return tallies.close_quarter(year, number, by=coordinator)

    def test_points_are_published_with_shortened_names_only(self, client, volunteer, coordinator, patrol):
        quarter = self.closed_quarter_with(volunteer, coordinator, patrol)
        body = client.get(reverse("volunteers:points")).content.decode()
        assert quarter.key in body and volunteer.community.name in body
        assert "叶*" in body and "叶小蜂" not in body
        assert not PHONE_RUN.search(body)

    def test_the_publication_sheet_lists_tallies_and_the_quarters_reports(self, client, volunteer, coordinator, patrol):
        quarter = self.closed_quarter_with(volunteer, coordinator, patrol)
        url = reverse("volunteers:points_sheet", args=[quarter.key, volunteer.community.pk])
        body = client.get(url).content.decode()
        assert "叶*" in body and ">8<" in body
        assert "本季度社区报送的问题" in body or "Reports from the community" in body
        assert "叶小蜂" not in body and not PHONE_RUN.search(body)

    @pytest.mark.parametrize(
        "query", [{"community": "²"}, {"community": "١"}, {"community": "-1"}, {"community": "9" * 20}]
    )
    def test_the_points_board_answers_a_number_it_cannot_read_with_400(self, client, query):
        response = client.get(reverse("volunteers:points"), query)
        assert response.status_code == 400 and "请使用数字 0-9" in response.content.decode()

    @pytest.mark.parametrize("quarter", ["2026Q9", "nonsense", "1999Q1"])
    def test_a_sheet_for_an_unknown_quarter_is_not_found(self, client, community_a, quarter):
        assert client.get(reverse("volunteers:points_sheet", args=[quarter, community_a.pk])).status_code == 404

    def test_the_card_check_confirms_a_genuine_card(self, client, volunteer):
        body = client.get(reverse("volunteers:card_check", args=[volunteer.card_token])).content.decode()
        assert "叶*" in body and volunteer.community.name in body and "有效" in body
        assert "叶小蜂" not in body and not PHONE_RUN.search(body)

    def test_a_suspended_volunteers_card_is_not_valid(self, client, volunteer, coordinator):
        membership.suspend(volunteer, by=coordinator)
        body = client.get(reverse("volunteers:card_check", args=[volunteer.card_token])).content.decode()
        assert "无效" in body or "不是有效" in body or "not valid" in body

    def test_an_unknown_card_is_not_found(self, client, db):
        assert client.get(reverse("volunteers:card_check", args=["forged-token"])).status_code == 404


class TestCard:
    def test_the_card_shows_the_volunteer_and_a_masked_phone(self, client, volunteer):
        volunteer.party_member = volunteer.show_party_member = True
        volunteer.save()
        membership.set_claims(volunteer, [ServiceItem.objects.get(code="patrol")])
        client.force_login(volunteer.user)
        body = client.get(reverse("volunteers:card")).content.decode()
        assert "叶小蜂" in body and "139****5678" in body and volunteer.user.phone not in body
        assert volunteer.card_number in body and "社区巡逻" in body and "党员" in body
        assert "<svg" in body  # the QR code, drawn inline

    def test_coordinators_print_a_communitys_cards_in_one_go(self, client, coordinator, volunteer, community_a):
        other = make_volunteer("13700000111", community_a, name="王大")
        client.force_login(coordinator)
        response = client.post(
            reverse("admin:volunteers_volunteer_changelist"),
            {"action": "print_cards", "_selected_action": [volunteer.pk, other.pk]},
        )
        body = response.content.decode()
        assert body.count('class="points-card"') == 2
        assert "叶小蜂" in body and "王大" in body


def test_the_user_behind_a_volunteer_is_not_a_staff_member(client, community_a):
    client.post(reverse("volunteers:join"), join_data(community_a))
    user = User.objects.get(phone="13812345678")
    assert not user.is_staff and not user.is_superuser
    assert PointsEntry.objects.count() == 0


def test_the_demo_districts_published_points_carry_no_phone_or_full_name(client, demo):
    from beefeed.models import Organization
    from volunteers.models import Quarter

    names = set(Volunteer.objects.values_list("name", flat=True))
    urls = [reverse("volunteers:points")]
    for quarter in Quarter.objects.all():
        urls.append(reverse("volunteers:points") + f"?quarter={quarter.key}")
        urls += [reverse("volunteers:points_sheet", args=[quarter.key, org.pk]) for org in Organization.objects.areas()]
    urls += [reverse("volunteers:card_check", args=[v.card_token]) for v in Volunteer.objects.all()[:5]]
    assert len(urls) > 10
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = re.sub(r"/(media|photos)/[0-9A-Za-z_./-]+", "", response.content.decode())
        assert not PHONE_RUN.search(html), url
        assert not [name for name in names if name in html], url


@pytest.mark.parametrize(
    "url",
    [
        "/points/?community=²",
        "/points/?community=99999999999999999999&quarter=%00",
        "/cards/%00/",
        "/cards/" + "x" * 300 + "/",
        "/points/2026Q3/99999/sheet/",
        "/points/%C2%B2/1/sheet/",
    ],
)
def test_odd_public_addresses_get_a_page_not_an_error(client, db, url):
    assert client.get(url).status_code in (200, 400, 404)  # 400: a number it cannot read (beefeed.parsing)


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "²", "1e5", ""])
def test_odd_claims_change_nothing(client, volunteer, value):
    membership.set_claims(volunteer, [ServiceItem.objects.get(code="patrol")])
    client.force_login(volunteer.user)
    response = client.post(reverse("volunteers:claims"), {"items": [value]})
    assert response.status_code == 302
    assert list(Claim.objects.filter(volunteer=volunteer).values_list("item__code", flat=True)) in (["patrol"], [])


def test_no_log_line_carries_a_phone_number_or_a_password(client, community_a, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    client.post(reverse("volunteers:join"), join_data(community_a, phone="13811112222", password="secret-honey-77"))
    client.logout()
    client.post(reverse("login"), {"username": "13811112222", "password": "wrong-guess-99"})
    client.post(reverse("login"), {"username": "13811112222", "password": "secret-honey-77"})
    client.get(reverse("issues:report_new"))  # pending: refused, and logged as a 403
    assert caplog.records  # something was logged
    assert "13811112222" not in caplog.text
    assert "secret-honey-77" not in caplog.text and "wrong-guess-99" not in caplog.text
