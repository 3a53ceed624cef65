"""Merging a new report into an open one of the same problem (issue 16, item 4): the newer courier becomes a
co-reporter of the original — on their /me/reports/, with its notices and points of their own — and the
problem is counted once everywhere."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_volunteer
from issues import awards, stats, workflow
from issues.forms import RejectForm
from issues.models import CoReporter, Report, ReportEvent, State
from issues.queries import live_figures
from issues.tests.conftest import processed_photo
from volunteers import ledger, quarters, tallies
from volunteers.models import Notice, PointsEntry, QuarterTally

pytestmark = pytest.mark.django_db


def act_url(report, action="merge"):
    return reverse("admin:issues_report_act", args=[report.pk, action])


def change_url(report):
    return reverse("admin:issues_report_change", args=[report.pk])


@pytest.fixture
def second_bee(community_a):
    return make_volunteer("13700000002", community_a, name="李二蜂")


@pytest.fixture
def third_bee(community_a):
    return make_volunteer("13700000003", community_a, name="赵三蜂")


@pytest.fixture
def original(make_report, coordinator):
    """The first report of the problem, by `volunteer`, already dispatched to 龙西社区."""
    return make_report("dispatched", by_coordinator=coordinator)


@pytest.fixture
def again(make_report, second_bee):
    """The same problem, reported again by another courier: new, awaiting triage."""
    return make_report(reporter=second_bee, description="3栋垃圾桶还是坏的")


def snapshot(report):
    return Report.objects.filter(pk=report.pk).values().get(), report.events.count()


# --- the move -----------------------------------------------------------------------------------------


def test_a_coordinator_merges_a_new_report_into_an_open_one(original, again, coordinator, second_bee):
    event = workflow.merge(again, by=coordinator, into=original.pk, notify=False)

    again.refresh_from_db()
    assert (again.state, again.reject_reason, again.duplicate_of) == (State.REJECTED, "merged", original)
    assert (event.action, event.from_state, event.to_state, event.is_public) == (
        "merge",
        "submitted",
        "rejected",
        False,
    )
    assert original.reference in event.note
    # The original carries the event too, naming the merged one; it stays where it was.
    on_original = ReportEvent.objects.get(report=original, action="merge")
    assert again.reference in on_original.note and not on_original.is_public
    assert Report.objects.get(pk=original.pk).state == State.DISPATCHED
    co = CoReporter.objects.get(report=original)
    assert (co.volunteer, co.merged_report) == (second_bee, again)
    # It has left the triage queue.
    assert not Report.objects.filter(state=State.SUBMITTED, pk=again.pk).exists()


def test_a_submitted_report_may_be_the_original_and_carries_its_co_reporters_on(
    make_report, coordinator, again, third_bee, second_bee
):
    first = make_report()  # by `volunteer`, also still waiting
    workflow.merge(again, by=coordinator, into=first, notify=False)
    # A third report arrives, the coordinator keeps it and merges the first one into it instead.
    third = make_report(reporter=third_bee)
    workflow.merge(first, by=coordinator, into=third, notify=False)
    assert set(CoReporter.objects.filter(report=third).values_list("volunteer__name", flat=True)) == {
        "叶小蜂",
        "李二蜂",
    }
    assert not CoReporter.objects.filter(report=first).exists()  # nobody follows a merged report


def test_the_reporters_own_second_report_adds_no_co_reporter(make_report, original, coordinator):
    mine_again = make_report()  # the same courier as the original
    workflow.merge(mine_again, by=coordinator, into=original, notify=False)
    assert not CoReporter.objects.exists()


def test_a_coordinator_merges_from_the_report_page_with_the_duplicate_prefilled(client, coordinator, original, again):
    client.force_login(coordinator)
    page = client.get(change_url(again)).content.decode()
    assert act_url(again) in page  # a button among the moves
    form = client.get(act_url(again))
    assert form.status_code == 200
    assert form.context["form"].initial["into"] == original.reference  # the first of the possible duplicates
    assert f'value="{original.reference}"' in form.content.decode()

    response = client.post(act_url(again), {"into": original.reference, "seen_state": "submitted"}, follow=True)

    assert response.status_code == 200
    assert Report.objects.get(pk=again.pk).reject_reason == "merged"
    assert CoReporter.objects.filter(report=original, merged_report=again).exists()
    assert ReportEvent.objects.filter(report=again, action="merge", actor=coordinator).exists()


def test_without_possible_duplicates_the_form_starts_empty(client, coordinator, make_report):
    lone = make_report(latitude=30.30, longitude=118.20)
    client.force_login(coordinator)
    assert client.get(act_url(lone)).context["form"].initial["into"] == ""


# --- refusals: nothing changes, and the answer says why -------------------------------------------------


def test_a_handler_cannot_merge_even_with_a_forged_post(client, handler_a, coordinator, original, again, make_report):
    before = snapshot(again), snapshot(original)
    client.force_login(handler_a)
    # A new report in the handler's own community: they see it (and may claim it), but never merge it.
    response = client.post(act_url(again), {"into": original.reference, "seen_state": "submitted"}, follow=True)
    assert f"您无权对问题 {again.reference} 进行此操作" in response.content.decode()
    # Their own dispatched report: the move is refused with a message.
    response = client.post(act_url(original), {"into": again.reference, "seen_state": "dispatched"}, follow=True)
    assert "不能进行此操作" in response.content.decode()
    with pytest.raises(workflow.TransitionError):
        workflow.transition(again, "merge", by=handler_a, seen_state="submitted", into=original.pk, notify=False)
    assert (snapshot(again), snapshot(original)) == before
    assert not CoReporter.objects.exists() and not PointsEntry.objects.filter(rule="co_report").exists()


@pytest.mark.parametrize(
    "target, message",
    [
        ("itself", "不能合并到它自己"),
        ("published", "只能合并到未结的问题"),
        ("rejected", "只能合并到未结的问题"),
        ("merged", "只能合并到未结的问题"),
        ("unknown", "没有您可查看的问题 BF999999"),
    ],
)
def test_merging_into_itself_a_closed_or_an_unknown_report_is_refused(
    client, coordinator, handler_a, make_report, again, target, message
):
    other = make_report()
    targets = {
        "itself": lambda: again,
        "published": lambda: make_report("published", by_coordinator=coordinator, handler=handler_a),
        "rejected": lambda: make_report("rejected", by_coordinator=coordinator),
        "merged": lambda: (workflow.merge(other, by=coordinator, into=make_report(), notify=False), other)[1],
        "unknown": lambda: None,
    }
    into = targets[target]()
    reference = into.reference if into else "BF999999"
    before = snapshot(again)
    client.force_login(coordinator)
    response = client.post(act_url(again), {"into": reference, "seen_state": "submitted"}, follow=True)
    assert message in response.content.decode()
    assert snapshot(again) == before
    assert not CoReporter.objects.filter(merged_report=again).exists()


def test_a_report_the_user_may_not_see_is_answered_like_an_unknown_one(coordinator, original, again):
    coordinator.is_staff = False  # staff access withdrawn: the user sees no report at all
    coordinator.save()
    with pytest.raises(workflow.TransitionError, match=original.reference) as refused:
        workflow.merge(again, by=coordinator, into=original.pk, notify=False)
    assert "没有您可查看的问题" in str(refused.value) or "that you can see" in str(refused.value)
    assert Report.objects.get(pk=again.pk).state == State.SUBMITTED


def test_a_reference_that_is_not_one_is_a_form_error(client, coordinator, again):
    client.force_login(coordinator)
    response = client.post(act_url(again), {"into": "垃圾桶"})
    assert response.status_code == 400 and "请输入问题编号" in response.content.decode()
    assert Report.objects.get(pk=again.pk).state == State.SUBMITTED


def test_reject_as_duplicate_stays_a_reason_of_its_own_and_merged_is_not_one():
    reasons = dict(RejectForm.base_fields["reason"].choices)
    assert "duplicate" in reasons and "merged" not in reasons


def test_the_reject_move_cannot_pose_as_a_merge(coordinator, original, again):
    with pytest.raises(workflow.TransitionError):
        workflow.reject(again, by=coordinator, reason="merged", duplicate_of=original, notify=False)
    assert Report.objects.get(pk=again.pk).state == State.SUBMITTED


# --- the co-reporter: their page, their notices ----------------------------------------------------------


def test_the_co_reporter_sees_the_original_and_its_state_on_my_reports(
    client, coordinator, original, again, second_bee
):
    workflow.merge(again, by=coordinator, into=original, notify=False)
    client.force_login(second_bee.user)
    page = client.get(reverse("issues:my_reports")).content.decode()
    section = page[page.index('id="co-reports"') :]
    assert original.reference in section and "已派单" in section  # its state
    assert f"已合并到 {original.reference}" in page  # their own report says where it went
    # The original's reporter is not named to them.
    assert original.reporter.name not in page


def test_the_co_reporter_hears_the_merge_and_the_originals_notices(
    coordinator, handler_a, original, again, second_bee, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.merge(again, by=coordinator, into=original)
    merged_notice = Notice.objects.get(volunteer=second_bee)
    assert again.reference in merged_notice.text and original.reference in merged_notice.text

    with django_capture_on_commit_callbacks(execute=True):
        workflow.resolve(original, by=handler_a, note="已更换垃圾桶", photos=[processed_photo()])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(original, by=coordinator)

    texts = list(Notice.objects.filter(volunteer=second_bee).order_by("id").values_list("text", "url"))
    assert len(texts) == 3
    assert original.reference in texts[1][0] and "办结" in texts[1][0]
    assert original.reference in texts[2][0] and texts[2][1].endswith(f"/board/{original.pk}/")
    # The reporter still hears theirs, once each.
    assert Notice.objects.filter(volunteer=volunteer).count() == 2


# --- points -------------------------------------------------------------------------------------------------


def test_the_co_reporter_is_paid_once_by_a_rule_of_its_own(coordinator, original, again, make_report, second_bee):
    workflow.merge(again, by=coordinator, into=original, notify=False)
    entry = PointsEntry.objects.get(volunteer=second_bee)
    assert (entry.rule, entry.points, entry.source) == ("co_report", 2, f"report:{original.pk}")
    # Never their merged report's own points.
    assert not PointsEntry.objects.filter(source=f"report:{again.pk}").exists()

    # The same courier reports it a third time, merged too; the original's dispatch runs again: nothing more.
    once_more = make_report(reporter=second_bee)
    workflow.merge(once_more, by=coordinator, into=original, notify=False)
    awards.co_reporters_of(original, by=coordinator)
    assert ledger.balance(second_bee) == 2
    assert CoReporter.objects.filter(report=original, volunteer=second_bee).count() == 1


def test_merged_into_a_new_report_the_co_reporter_is_paid_when_it_is_dispatched(
    make_report, coordinator, again, second_bee, handler_a, community_a
):
    first = make_report()
    workflow.merge(again, by=coordinator, into=first, notify=False)
    assert ledger.balance(second_bee) == 0  # a report not dispatched earns no one anything yet
    workflow.dispatch(first, by=coordinator, organization=community_a, notify=False)
    assert ledger.balance(second_bee) == 2
    workflow.return_report(first, by=handler_a, reason="不归我们管", notify=False)
    workflow.dispatch(first, by=coordinator, organization=community_a, notify=False)
    assert ledger.balance(second_bee) == 2


def test_a_co_report_found_false_is_reversed_and_earns_nothing_more(
    coordinator, original, again, second_bee, handler_a, community_a
):
    workflow.merge(again, by=coordinator, into=original, notify=False)
    reversals = awards.reverse_co_report(second_bee, original.pk, by=coordinator, reason="并非同一问题")
    assert [r.points for r in reversals] == [-2]
    assert ledger.balance(second_bee) == 0
    # Dispatched again later, it pays nothing more to them; the reporter's own points are untouched.
    workflow.return_report(original, by=handler_a, reason="不归我们管", notify=False)
    workflow.dispatch(original, by=coordinator, organization=community_a, notify=False)
    assert ledger.balance(second_bee) == 0
    assert ledger.balance(original.reporter) == 5


# --- counted once -------------------------------------------------------------------------------------------


def test_the_problem_is_counted_once_in_the_stats_and_the_home_figures(
    client, coordinator, original, again, make_report, settings
):
    before = stats.overall().received, live_figures()["received"]
    workflow.merge(again, by=coordinator, into=original, notify=False)
    make_report()  # another problem, for contrast

    assert stats.overall().received == before[0]  # `again` was already counted while waiting; now it is not
    assert live_figures()["received"] == before[1]
    assert sum(row.received for row in stats.breakdown("category")) == 2
    assert sum(row.received for row in stats.breakdown("community")) == 2
    assert sum(row.received for row in stats.breakdown("month")) == 2
    page = client.get(reverse("issues:stats"))
    assert page.context["overall"].received == 2
    home = client.get(reverse("home"))
    assert home.context["figures"]["received"] == 2


def test_a_merged_report_is_counted_once_in_its_campaign(coordinator, make_report, second_bee):
    from issues.models import Campaign

    campaign = Campaign.objects.create(name="环境整治月", starts_on=timezone.localdate())
    first = make_report(campaign=campaign)
    copy = make_report(campaign=campaign, reporter=second_bee)
    workflow.merge(copy, by=coordinator, into=first, notify=False)
    assert stats.campaigns().get(pk=campaign.pk).received == 1


def test_the_quarter_tally_counts_each_courier_once(
    client, make_report, coordinator, handler_a, community_a, volunteer, second_bee, category
):
    first_of_this = quarters.quarter_bounds(*quarters.quarter_of(timezone.localdate()))[0]
    last = quarters.quarter_of(first_of_this - datetime.timedelta(days=1))
    day = quarters.quarter_bounds(*last)[0] + datetime.timedelta(days=10)
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

    def submit(bee):
        return workflow.submit_report(
            volunteer=bee,
            category=category,
            description="垃圾桶坏了",
            community=community_a,
            address="广场花苑小区3栋",
            now=when,
            notify=False,
        )

    first, copy = submit(volunteer), submit(second_bee)
    workflow.dispatch(first, by=coordinator, organization=community_a, now=when, notify=False)
    workflow.merge(copy, by=coordinator, into=first, now=when, notify=False)
    workflow.resolve(first, by=handler_a, note="已修", photos=[processed_photo()], now=when, notify=False)

    quarter = tallies.close_quarter(*last, by=coordinator)

    reporter = QuarterTally.objects.get(quarter=quarter, volunteer=volunteer)
    co = QuarterTally.objects.get(quarter=quarter, volunteer=second_bee)
    assert (reporter.reports, reporter.solved, reporter.points) == (1, 1, 5)
    # The co-reporter: their one report, once; their co-report points, not a report's points as well.
    assert (co.reports, co.solved, co.points) == (1, 0, 2)
    # The community's publication sheet lists the problem once, as the original.
    sheet = client.get(reverse("volunteers:points_sheet", args=[quarter.key, community_a.pk])).content.decode()
    assert first.reference in sheet and copy.reference not in sheet


# --- the public page ------------------------------------------------------------------------------------------


def test_the_public_page_says_how_many_couriers_reported_it_without_names(
    client, coordinator, handler_a, original, make_report, second_bee, third_bee
):
    for bee in (second_bee, third_bee):
        workflow.merge(make_report(reporter=bee), by=coordinator, into=original, notify=False)
    workflow.resolve(original, by=handler_a, note="已更换垃圾桶", photos=[processed_photo()], notify=False)
    workflow.publish(original, by=coordinator, notify=False)

    page = client.get(reverse("issues:board_detail", args=[original.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "3 位小蜜蜂上报" in text
    for bee in (second_bee, third_bee):
        assert bee.name not in text and bee.short_name not in text and bee.user.phone not in text
