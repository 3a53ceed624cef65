"""Reply templates (回复模板): coordinators keep short texts per category and per move; the move's form
offers those of the report's category and of every category; handlers read them but cannot change them."""

import pytest
from django.urls import reverse

from issues.models import Action, ReplyTemplate

pytestmark = pytest.mark.django_db


def act_url(report, action):
    return reverse("admin:issues_report_act", args=[report.pk, action])


@pytest.fixture
def replies(category, other_category):
    return {
        "mine": ReplyTemplate.objects.create(category=category, action=Action.RESOLVE, text="已更换新垃圾桶。"),
        "everyone": ReplyTemplate.objects.create(action=Action.RESOLVE, text="已现场处理完毕，恢复正常。"),
        "other_category": ReplyTemplate.objects.create(
            category=other_category, action=Action.RESOLVE, text="已疏通下水道。"
        ),
        "other_move": ReplyTemplate.objects.create(action=Action.RETURN, text="不属于本单位职责范围，请改派。"),
    }


def test_a_move_offers_the_templates_of_the_reports_category_and_of_every_category(category, replies):
    offered = list(ReplyTemplate.objects.for_move(category, Action.RESOLVE))
    # The category's own first, then those for every category; never another category's or another move's.
    assert offered == [replies["mine"], replies["everyone"]]


def test_the_resolve_page_shows_the_templates_of_this_category_and_move(
    client, coordinator, handler_a, make_report, replies
):
    report = make_report("in_progress", by_coordinator=coordinator, handler=handler_a)
    client.force_login(handler_a)
    page = client.get(act_url(report, "resolve")).content.decode()
    assert "已更换新垃圾桶。" in page and "已现场处理完毕，恢复正常。" in page
    assert "已疏通下水道。" not in page and "不属于本单位职责范围" not in page
    # Without JavaScript they are plain text above the field, to copy; the script turns them into buttons.
    assert 'class="bf-replies" data-for="id_note"' in page
    assert "js/admin_act.js" in page


def test_the_return_page_shows_the_return_templates_for_the_reason(
    client, coordinator, handler_a, make_report, replies
):
    report = make_report("dispatched", by_coordinator=coordinator, handler=handler_a)
    client.force_login(handler_a)
    page = client.get(act_url(report, "return")).content.decode()
    assert "不属于本单位职责范围，请改派。" in page and 'data-for="id_reason"' in page
    assert "已现场处理完毕" not in page


def test_a_move_without_templates_shows_no_template_box(client, coordinator, make_report):
    report = make_report()
    client.force_login(coordinator)
    page = client.get(act_url(report, "reject")).content.decode()
    assert "bf-replies" not in page


def test_a_coordinator_adds_a_template_for_a_move(client, coordinator, category):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:issues_replytemplate_add"),
        {"action": "reject", "category": category.pk, "text": "照片不清楚，请补拍后重新上报。", "position": 0},
    )
    assert response.status_code == 302
    assert ReplyTemplate.objects.get().text == "照片不清楚，请补拍后重新上报。"


def test_only_moves_with_a_form_can_be_chosen(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:issues_replytemplate_add"), {"action": "rated", "text": "谢谢", "position": 0}
    )
    assert response.status_code == 200 and not ReplyTemplate.objects.exists()


def test_handlers_read_the_templates_but_a_forged_post_changes_nothing(client, handler_a, replies):
    client.force_login(handler_a)
    template = replies["everyone"]
    assert client.get(reverse("admin:issues_replytemplate_changelist")).status_code == 200
    add = client.post(reverse("admin:issues_replytemplate_add"), {"action": "resolve", "text": "伪造", "position": 0})
    change = client.post(
        reverse("admin:issues_replytemplate_change", args=[template.pk]),
        {"action": "resolve", "text": "伪造", "position": 0},
    )
    delete = client.post(reverse("admin:issues_replytemplate_delete", args=[template.pk]), {"post": "yes"})
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert ReplyTemplate.objects.count() == 4
    template.refresh_from_db()
    assert template.text == "已现场处理完毕，恢复正常。"


def test_volunteers_and_the_public_never_reach_the_templates(client, volunteer, replies):
    url = reverse("admin:issues_replytemplate_changelist")
    assert client.get(url).status_code == 302
    client.force_login(volunteer.user)
    assert client.get(url).status_code == 302
    client.post(reverse("admin:issues_replytemplate_add"), {"action": "resolve", "text": "伪造", "position": 0})
    assert not ReplyTemplate.objects.filter(text="伪造").exists()


def test_the_demo_district_has_rejection_reasons_and_resolution_notes(demo):
    assert ReplyTemplate.objects.filter(action=Action.REJECT).count() >= 3
    assert ReplyTemplate.objects.filter(action=Action.RESOLVE, category__code="sanitation").exists()
    assert ReplyTemplate.objects.filter(action=Action.RESOLVE, category=None).exists()
