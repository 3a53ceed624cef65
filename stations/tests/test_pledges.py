"""What the stations still need: the wish list, the public's pledges, the donations they become.

The pledge's moves are stations.pledges'; the contact is the coordinators' alone and erased after
the pledge closes.
"""

import datetime
import io
import logging

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from stations import pledges
from stations.models import Donation, Pledge, WishItem
from stations.tests.conftest import make_station

pytestmark = pytest.mark.django_db
PHONE = "13700001111"


@pytest.fixture
def fridge(longxi_station):
    return WishItem.objects.create(station=longxi_station, name="冰箱", unit="台", wanted=1, position=0)


@pytest.fixture
def first_aid(longxi_station):
    return WishItem.objects.create(station=longxi_station, name="急救包", unit="个", wanted=3, position=1)


def make_pledge(station, wish=None, **fields):
    values = {
        "offer": "",
        "quantity": 1,
        "giver_name": "张捐赠",
        "organization": "黄山家电城",
        "public_as": Pledge.PublicAs.ORGANIZATION,
        "contact": PHONE,
        "message": "下周送到",
        **fields,
    }
    return pledges.submit(station=station, wish=wish, **values)


def form_data(**fields):
    return {
        "wish": "",
        "offer": "",
        "quantity": "1",
        "organization": "黄山家电城",
        "giver_name": "",
        "public_as": "organization",
        "contact": PHONE,
        "message": "",
        **fields,
    }


def page(client, station):
    return client.get(reverse("stations:detail", args=[station.pk])).content.decode()


# --- the station's page -------------------------------------------------------------------------


def test_the_station_page_shows_what_is_still_needed_and_thanks_the_donors(
    client, longxi_station, fridge, first_aid, coordinator
):
    make_pledge(longxi_station, fridge)  # a pledge alone changes nothing public
    body = page(client, longxi_station)
    assert "驿站还需要什么" in body and "冰箱" in body and "还需 1 台" in body and "还需 3 个" in body
    assert f"/stations/{longxi_station.pk}/pledge/?wish={fridge.pk}" in body

    pledge = pledges.accept(Pledge.objects.get(), by=coordinator)
    pledges.record_donation(pledge, by=coordinator)
    Donation.objects.create(
        station=longxi_station,
        donor="区红十字会",
        item="急救包",
        unit="个",
        quantity=1,
        wish=first_aid,
        date=timezone.localdate(),
    )
    body = page(client, longxi_station)
    assert "感谢 黄山家电城 捐赠冰箱 1 台" in body
    assert "感谢 区红十字会 捐赠急救包 1 个" in body
    assert "已收到，谢谢" in body and "还需 1 台" not in body  # the fridge is no longer needed
    assert "还需 2 个" in body and "已收到 1 / 3" in body


def test_a_station_without_a_wish_list_says_so_and_still_takes_offers(client, longxi_station):
    body = page(client, longxi_station)
    assert "目前心愿清单上没有物品" in body and "我要为驿站捐赠" in body


def test_only_an_open_station_takes_pledges(client, community_a):
    closed = make_station("已关闭", community_a, 30.27, 118.13, status="closed")
    planned = make_station("筹建中", community_a, 30.27, 118.13, status="planned")
    for station in (closed, planned):
        assert client.get(reverse("stations:pledge", args=[station.pk])).status_code == 404
        assert client.post(reverse("stations:pledge", args=[station.pk]), form_data()).status_code == 404
    assert "我要为驿站捐赠" not in page(client, closed)
    assert not Pledge.objects.exists()


# --- the public form ----------------------------------------------------------------------------


def test_a_pledge_reaches_the_coordinators_and_the_giver_is_thanked(client, longxi_station, fridge):
    url = reverse("stations:pledge", args=[longxi_station.pk])
    form = client.get(url + f"?wish={fridge.pk}").content.decode()
    assert f'<option value="{fridge.pk}" selected>' in form and "只有协调联络员能看到" in form
    response = client.post(
        url, form_data(wish=str(fridge.pk), contact="137 0000 1111", message="周末送货"), follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"/stations/{longxi_station.pk}/#wishes")
    assert "谢谢您！协调联络员会尽快联系您" in response.content.decode()
    pledge = Pledge.objects.get()
    assert (pledge.state, pledge.wish, pledge.offer, pledge.quantity) == ("new", fridge, "冰箱", 1)
    assert pledge.contact == PHONE and pledge.organization == "黄山家电城" and pledge.message == "周末送货"


def test_an_offer_off_the_list_is_taken_as_written(client, longxi_station):
    client.post(
        reverse("stations:pledge", args=[longxi_station.pk]),
        form_data(
            offer="两箱矿泉水",
            quantity="2",
            organization="",
            giver_name="李四",
            public_as="anonymous",
            contact="wx_lisi2026",
        ),
    )
    pledge = Pledge.objects.get()
    assert (pledge.wish, pledge.offer, pledge.quantity, pledge.contact) == (None, "两箱矿泉水", 2, "wx_lisi2026")
    assert pledge.public_name == "爱心人士"


BAD = [
    ({"contact": ""}, "请留下电话、微信号或电子邮箱"),
    ({"contact": "wx1"}, "请填写电话、微信号或电子邮箱（至少 5 个字符）"),
    ({"contact": "12345"}, "请填写 11 位手机号，或带区号的座机号"),
    ({"contact": "0559-12345678901"}, "请填写 11 位手机号，或带区号的座机号"),
    ({"contact": "12012345678"}, "手机号码有误"),
    ({"offer": "", "wish": ""}, "请从心愿清单中选择物品，或写下您想捐赠的物品"),
    ({"organization": "", "giver_name": ""}, "请填写单位名称或您的姓名"),
    ({"public_as": "name", "giver_name": ""}, "请填写您的姓名，或选择其他致谢署名方式"),
    ({"public_as": "everyone"}, "请选择致谢署名方式"),
    ({"quantity": "0"}, "数量至少为 1"),
    ({"quantity": "两台"}, "数量请填写整数"),
    ({"quantity": "9" * 40}, "超过 999 件请在留言中告诉协调联络员"),
    ({"quantity": ""}, "请填写数量"),
    ({"wish": "²"}, "该物品已不在本驿站的心愿清单上"),
    ({"wish": "999999"}, "该物品已不在本驿站的心愿清单上"),
    ({"offer": "冰" * 101}, "100"),
    ({"message": "\x00"}, "空字符"),
]


@pytest.mark.parametrize("fields, message", BAD)
def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(client, longxi_station, fields, message):
    typed = {"offer": "微波炉", "giver_name": "王五", "message": "下午三点后方便", **fields}
    response = client.post(reverse("stations:pledge", args=[longxi_station.pk]), form_data(**typed))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body and "请修改标出的内容，已填写的内容都保留着" in body
    for name in ("offer", "giver_name", "organization"):
        if typed.get(name) and len(typed[name]) <= 100 and name not in fields:
            assert f'value="{typed[name]}"' in body, name
    if "message" not in fields:
        assert "下午三点后方便</textarea>" in body
    assert not Pledge.objects.exists()


def test_a_wish_of_another_station_cannot_be_pledged_here(client, longxi_station, night_station):
    theirs = WishItem.objects.create(station=night_station, name="空调", wanted=1)
    response = client.post(reverse("stations:pledge", args=[longxi_station.pk]), form_data(wish=str(theirs.pk)))
    assert "该物品已不在本驿站的心愿清单上" in response.content.decode()
    assert not Pledge.objects.exists()


TEXT = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["", "²", "-1", "0", "9" * 400, "\x00", "1e9", "NaN", "<script>", "'; --", "１２"]),
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(fields=st.dictionaries(st.sampled_from(list(form_data())), TEXT), wish=st.booleans())
def test_no_input_makes_a_5xx(longxi_station, fridge, settings, fields, wish):
    settings.PLEDGES_PER_IP_PER_HOUR = 10**9
    data = form_data(**fields)
    if wish and "wish" not in fields:
        data["wish"] = str(fridge.pk)
    response = Client().post(reverse("stations:pledge", args=[longxi_station.pk]), data)
    assert response.status_code in (200, 302), (data, response.status_code)


def test_the_form_is_rate_limited_per_address_with_a_chinese_429(client, longxi_station, settings):
    settings.PLEDGES_PER_IP_PER_HOUR = 3
    url = reverse("stations:pledge", args=[longxi_station.pk])
    statuses = [client.post(url, form_data(offer=f"第{n}件"), REMOTE_ADDR="203.0.113.7").status_code for n in range(3)]
    assert statuses == [302, 302, 302]
    refused = client.post(url, form_data(offer="第四件"), REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429 and "该网络提交的捐赠意向过多，请一小时后再试" in refused.content.decode()
    assert Pledge.objects.count() == 3
    # Bad input counts too (a flood of junk is a flood), and another address is not affected.
    assert client.post(url, form_data(offer="别处"), REMOTE_ADDR="198.51.100.9").status_code == 302
    assert Pledge.objects.count() == 4


def test_the_form_needs_its_csrf_token(longxi_station):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("stations:pledge", args=[longxi_station.pk]), form_data(offer="微波炉"))
    assert response.status_code == 403 and not Pledge.objects.exists()
    form = strict.get(reverse("stations:pledge", args=[longxi_station.pk]))
    token = form.cookies["csrftoken"].value
    response = strict.post(
        reverse("stations:pledge", args=[longxi_station.pk]), form_data(offer="微波炉", csrfmiddlewaretoken=token)
    )
    assert response.status_code == 302 and Pledge.objects.count() == 1


# --- privacy: the contact is the coordinators' alone -------------------------------------------


def test_the_contact_never_reaches_a_public_page_an_answer_or_a_log_line(
    client, longxi_station, fridge, coordinator, caplog
):
    caplog.set_level(logging.DEBUG)
    client.post(
        reverse("stations:pledge", args=[longxi_station.pk]),
        form_data(wish=str(fridge.pk), giver_name="张捐赠", contact=PHONE, message="我的邮箱 zhang@example.org"),
    )
    pledge = Pledge.objects.get()
    public = [
        reverse("stations:detail", args=[longxi_station.pk]),
        reverse("stations:pledge", args=[longxi_station.pk]),
        reverse("stations:map"),
        reverse("stations:geojson"),
        reverse("stations:poster", args=[longxi_station.pk]),
    ]
    secrets = [PHONE, "137 0000", "张捐赠", "zhang@example.org"]

    def crawl():
        for url in public:
            body = Client().get(url).content.decode()
            assert not [s for s in secrets if s in body], url

    crawl()
    pledges.record_donation(pledges.accept(pledge, by=coordinator), by=coordinator)
    crawl()  # thanked under the organization's name only, as the giver chose
    assert "感谢 黄山家电城 捐赠冰箱 1 台" in page(client, longxi_station)
    assert not [s for s in secrets if s in caplog.text]


def test_only_coordinators_see_pledges_in_the_admin(client, longxi_station, fridge, coordinator, handler_a):
    pledge = make_pledge(longxi_station, fridge)
    client.force_login(coordinator)
    listing = client.get(reverse("admin:stations_pledge_changelist")).content.decode()
    assert PHONE in listing and "新提交" in listing
    assert PHONE in client.get(reverse("admin:stations_pledge_change", args=[pledge.pk])).content.decode()
    client.force_login(handler_a)  # a community's handler runs the station, not its givers' contacts
    assert client.get(reverse("admin:stations_pledge_changelist")).status_code == 403
    assert client.get(reverse("admin:stations_pledge_change", args=[pledge.pk])).status_code in (302, 403)


def test_the_admins_history_never_names_the_contact(longxi_station, fridge):
    pledge = make_pledge(longxi_station, fridge)
    assert PHONE not in str(pledge) and "张捐赠" not in str(pledge)


# --- the moves -------------------------------------------------------------------------------


def test_a_coordinator_accepts_then_records_the_handover_as_a_donation_in_the_admin(
    client, longxi_station, fridge, coordinator
):
    pledge = make_pledge(longxi_station, fridge)
    client.force_login(coordinator)
    url = reverse("admin:stations_pledge_changelist")
    client.post(url, {"action": "record_donations", "_selected_action": [pledge.pk]})
    assert not Donation.objects.exists()  # a new pledge is accepted first
    client.post(url, {"action": "accept_selected", "_selected_action": [pledge.pk]})
    pledge.refresh_from_db()
    assert (pledge.state, pledge.decided_by) == ("accepted", coordinator)
    response = client.post(url, {"action": "record_donations", "_selected_action": [pledge.pk]}, follow=True)
    assert "已登记 1 笔捐赠" in response.content.decode()
    donation = Donation.objects.get()
    assert (donation.pledge, donation.wish, donation.donor, donation.item, donation.unit) == (
        pledge,
        fridge,
        "黄山家电城",
        "冰箱",
        "台",
    )
    pledge.refresh_from_db()
    assert pledge.state == "fulfilled" and pledge.closed_at is not None
    assert WishItem.objects.with_received().get(pk=fridge.pk).received_total == 1 and fridge.still_needed == 0


def test_a_pledge_becomes_one_donation_only(longxi_station, fridge, coordinator):
    pledge = pledges.accept(make_pledge(longxi_station, fridge), by=coordinator)
    pledges.record_donation(pledge, by=coordinator)
    with pytest.raises(pledges.PledgeError):
        pledges.record_donation(pledge, by=coordinator)
    with pytest.raises(pledges.PledgeError):
        pledges.decline(pledge, by=coordinator)
    assert Donation.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database refuses it too
        Donation.objects.create(
            station=longxi_station, donor="x", item="冰箱", quantity=1, date=timezone.localdate(), pledge=pledge
        )


def test_a_declined_pledge_closes_and_cannot_be_accepted(longxi_station, fridge, coordinator):
    pledge = pledges.decline(make_pledge(longxi_station, fridge), by=coordinator)
    assert pledge.state == "declined" and pledge.closed_at is not None
    for move in (pledges.accept, pledges.record_donation):
        with pytest.raises(pledges.PledgeError):
            move(pledge, by=coordinator)


def test_a_closed_pledge_without_its_time_is_refused_by_the_database(longxi_station, fridge):
    pledge = make_pledge(longxi_station, fridge)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(state="fulfilled")


@pytest.mark.parametrize(
    "public_as, organization, giver_name, thanked",
    [
        ("organization", "黄山家电城", "张三", "黄山家电城"),
        ("organization", "", "张三", "爱心人士"),
        ("name", "黄山家电城", "张三", "黄山家电城 张三"),
        ("name", "", "张三", "张三"),
        ("anonymous", "黄山家电城", "张三", "爱心人士"),
    ],
)
def test_the_giver_is_thanked_only_as_they_agreed(
    longxi_station, coordinator, public_as, organization, giver_name, thanked
):
    pledge = make_pledge(
        longxi_station, offer="微波炉", public_as=public_as, organization=organization, giver_name=giver_name
    )
    donation = pledges.record_donation(pledges.accept(pledge, by=coordinator), by=coordinator)
    assert donation.donor == thanked


# --- retention -------------------------------------------------------------------------------


def test_the_contact_is_erased_after_the_retention_by_the_media_sweep(longxi_station, fridge, coordinator, settings):
    settings.PLEDGE_CONTACT_RETENTION_DAYS = 30
    now = timezone.now()
    old = pledges.record_donation(
        pledges.accept(make_pledge(longxi_station, fridge), by=coordinator),
        by=coordinator,
        now=now - datetime.timedelta(days=31),
    ).pledge
    recent = pledges.decline(
        make_pledge(longxi_station, offer="桌子"), by=coordinator, now=now - datetime.timedelta(days=29)
    )
    waiting = make_pledge(longxi_station, offer="椅子")
    Pledge.objects.filter(pk=waiting.pk).update(created_at=now - datetime.timedelta(days=400))

    out = io.StringIO()
    call_command("media_check", "--remove-orphans", stdout=out)
    assert f"removed after its retention period contact of pledge #{old.pk}" in out.getvalue()

    old.refresh_from_db()
    assert (old.contact, old.giver_name, old.message) == ("", "", "") and old.contact_erased_at is not None
    assert old.organization == "黄山家电城" and old.donation.donor == "黄山家电城"  # the public thanks stay
    for kept in (recent, waiting):
        kept.refresh_from_db()
        assert kept.contact == PHONE and kept.contact_erased_at is None
    assert pledges.erase_closed_contacts() == []  # a second sweep finds nothing more


def test_the_retention_is_a_setting(longxi_station, coordinator, settings):
    pledge = pledges.decline(
        make_pledge(longxi_station, offer="桌子"), by=coordinator, now=timezone.now() - datetime.timedelta(days=8)
    )
    settings.PLEDGE_CONTACT_RETENTION_DAYS = 10
    assert pledges.erase_closed_contacts() == []
    settings.PLEDGE_CONTACT_RETENTION_DAYS = 7
    assert pledges.erase_closed_contacts() == [f"contact of pledge #{pledge.pk}"]


@pytest.mark.django_db
def test_a_new_pledge_waits_on_the_coordinators_front_page_until_answered(
    client, longxi_station, fridge, coordinator, handler_a
):
    pledge = make_pledge(longxi_station, fridge)
    client.force_login(handler_a)  # a community's handler: pledges and their contacts are not theirs
    assert "待答复的驿站捐赠意向" not in client.get(reverse("admin:index")).content.decode()
    assert client.get(reverse("admin:stations_pledge_changelist")).status_code == 403
    client.force_login(coordinator)
    front = client.get(reverse("admin:index")).content.decode()
    row = front[front.index("待答复的驿站捐赠意向") :].split("</tr>", 1)[0]
    assert "<td>1</td>" in row
    assert reverse("admin:stations_pledge_changelist") + "?state__exact=new" in front
    pledges.accept(pledge, by=coordinator)
    front = client.get(reverse("admin:index")).content.decode()
    assert "<td>0</td>" in front[front.index("待答复的驿站捐赠意向") :].split("</tr>", 1)[0]
