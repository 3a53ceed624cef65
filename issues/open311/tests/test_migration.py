"""A database made before Open311 moved into `issues` keeps its clients, reports and grants.

The old layout is built by the old release's own migration (frozen in old_layout_migration.py):
tables `open311_*`, content types labelled `open311`, a history row for `open311 0001_initial`.
Rows go in through the old models, as the old code wrote them; then the database migrates forward.
"""

import hashlib
import secrets
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from beefeed.models import User
from beefeed.roles import COORDINATORS
from issues.models import Category, Report
from issues.open311.models import ApiClient, ClientReport
from issues.open311.tests import old_layout_migration

pytestmark = pytest.mark.django_db(transaction=True)
OLD_TABLES = {"open311_apiclient", "open311_clientreport"}
NEW_TABLES = {"issues_apiclient", "issues_clientreport"}
MODELS = ["apiclient", "clientreport"]
CODENAMES = ["view_apiclient", "add_apiclient", "change_apiclient", "view_clientreport"]


def before_the_move(loader):
    """The issues migration the move depends on: the newest node of the old layout."""
    move = next(key for key in loader.graph.nodes if key[0] == "issues" and key[1].endswith("_open311_into_issues"))
    return [key for key in loader.get_migration(*move).dependencies if key[0] == "issues"]


def migrate_to_newest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def tables():
    return set(connection.introspection.table_names())


def foreign_keys(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {c["columns"][0]: c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}


@pytest.fixture
def old_apps(transactional_db):
    """The models of the release before the move, on a database laid out as it left it."""
    executor = MigrationExecutor(connection)
    before = before_the_move(executor.loader)
    executor.migrate(before)
    state = MigrationExecutor(connection).loader.project_state(before)
    old = old_layout_migration.Migration("0001_initial", "open311")
    old_state = old.mutate_state(state)
    with connection.schema_editor() as editor:
        for name in ["ClientReport", "ApiClient"]:  # what going back left; the old release built them itself
            editor.delete_model(old_state.apps.get_model("open311", name))
        old.apply(state, editor)
    ContentType.objects.clear_cache()
    yield old_state.apps
    if not NEW_TABLES <= tables():
        migrate_to_newest()


def old_issue(old_apps, name):
    """An API key as the old ApiClient.issue made it: shown once, stored as prefix and SHA-256."""
    key = secrets.token_urlsafe(30)
    old_apps.get_model("open311", "ApiClient").objects.create(
        name=name, key_prefix=key[:8], key_hash=hashlib.sha256(key.encode()).hexdigest(), posts_per_hour=5
    )
    return key


def old_submission(old_apps, client_name, category, community):
    # Through the old release's Report model too: today's has columns the old layout lacks.
    row = old_apps.get_model("issues", "Report").objects.create(
        category_id=category.pk,
        description="小区门口垃圾满了",
        community_id=community.pk,
        latitude=30.2745,
        longitude=118.1322,
    )
    report = Report(pk=row.pk)
    old_apps.get_model("open311", "ClientReport").objects.create(
        report_id=report.pk,
        client=old_apps.get_model("open311", "ApiClient").objects.get(name=client_name),
        token=uuid.uuid4().hex,
        phone="13912345678",
        email="a@example.org",
    )
    return report


def test_it_starts_from_the_old_layout(old_apps):
    assert OLD_TABLES <= tables() and not NEW_TABLES & tables()
    assert ("open311", "0001_initial") in MigrationRecorder(connection).applied_migrations()
    assert set(ContentType.objects.filter(model__in=MODELS).values_list("app_label", flat=True)) == {"open311"}
    assert Group.objects.get(name=COORDINATORS).permissions.filter(content_type__app_label="open311").count() == 4


def test_it_moves_clients_reports_and_grants_into_issues(client, old_apps, community_a, coordinator):
    category = Category.objects.create(
        name="环境卫生", code="sanitation", short_label="环境", time_limit=48, position=0
    )
    key = old_issue(old_apps, "小程序")
    old_issue(old_apps, "旧客户端")
    report = old_submission(old_apps, "小程序", category, community_a)
    token = old_apps.get_model("open311", "ClientReport").objects.get().token
    auditors = Group.objects.create(name="Auditors")  # a group an operator made by hand
    auditors.permissions.add(Permission.objects.get(content_type__app_label="open311", codename="view_clientreport"))
    kept_ids = set(Permission.objects.filter(content_type__app_label="open311").values_list("pk", flat=True))

    migrate_to_newest()

    assert NEW_TABLES <= tables() and not OLD_TABLES & tables()
    assert ("open311", "0001_initial") not in MigrationRecorder(connection).applied_migrations()
    assert foreign_keys("issues_clientreport") == {"client_id": "issues_apiclient", "report_id": "issues_report"}
    assert set(ApiClient.objects.values_list("name", flat=True)) == {"小程序", "旧客户端"}
    link = ClientReport.objects.get()
    assert (link.report, link.client.name, link.phone, link.token) == (report, "小程序", "13912345678", token)
    assert Report.objects.get(open311__client__name="小程序") == report
    assert not ContentType.objects.filter(app_label="open311").exists()
    moved = Permission.objects.filter(content_type__app_label="issues", content_type__model__in=MODELS)
    assert set(moved.values_list("pk", flat=True)) == kept_ids
    assert set(
        Group.objects.get(name=COORDINATORS)
        .permissions.filter(content_type__model__in=MODELS)
        .values_list("codename", flat=True)
    ) == set(CODENAMES)
    auditor = User.objects.create_user("auditor", is_staff=True)
    auditor.groups.add(auditors)
    assert auditor.has_perm("issues.view_clientreport") and not auditor.has_perm("issues.view_apiclient")
    coordinator = User.objects.get(pk=coordinator.pk)
    assert coordinator.has_perm("issues.add_apiclient") and not coordinator.has_perm("open311.add_apiclient")

    # The hashed key still opens the API, and the old token still finds its report.
    cache.clear()
    posted = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "sanitation", "lat": "30.2745", "long": "118.1322", "description": "又满了"},
    )
    assert posted.status_code == 201
    assert ClientReport.objects.filter(client__name="小程序").count() == 2
    assert client.get(f"/open311/v2/tokens/{token}.json").json()[0]["service_request_id"] == report.reference
    forged = client.post("/open311/v2/requests.json", {"api_key": key[:-1] + "x", "service_code": "sanitation"})
    assert forged.status_code == 403


def test_it_goes_back_to_the_old_layout_with_the_rows(old_apps, community_a):
    category = Category.objects.create(
        name="环境卫生", code="sanitation", short_label="环境", time_limit=48, position=0
    )
    old_issue(old_apps, "小程序")
    report = old_submission(old_apps, "小程序", category, community_a)
    migrate_to_newest()

    executor = MigrationExecutor(connection)
    executor.migrate(before_the_move(executor.loader))

    assert OLD_TABLES <= tables() and not NEW_TABLES & tables()
    assert ("open311", "0001_initial") in MigrationRecorder(connection).applied_migrations()
    assert old_apps.get_model("open311", "ClientReport").objects.get().report_id == report.pk
    assert Group.objects.get(name=COORDINATORS).permissions.filter(content_type__app_label="open311").count() == 4


def test_it_keeps_the_old_grants_when_the_new_code_made_its_content_types_first(old_apps):
    # e.g. `migrate volunteers` under the new code: post_migrate makes issues' content types for
    # ApiClient and ClientReport (and grants them) before the move has run.
    auditors = Group.objects.create(name="Auditors")
    old_view = Permission.objects.get(content_type__app_label="open311", codename="view_clientreport")
    auditors.permissions.add(old_view)
    early = ContentType.objects.create(app_label="issues", model="clientreport")
    early_view = Permission.objects.create(content_type=early, codename="view_clientreport", name="Can view")
    early_extra = Permission.objects.create(content_type=early, codename="export_clientreport", name="Can export")
    handlers = Group.objects.create(name="Exporters")
    handlers.permissions.add(early_view, early_extra)

    migrate_to_newest()

    moved = ContentType.objects.get(app_label="issues", model="clientreport")
    assert moved.pk == old_view.content_type_id and not ContentType.objects.filter(pk=early.pk).exists()
    assert set(auditors.permissions.values_list("pk", flat=True)) == {old_view.pk}
    assert set(handlers.permissions.values_list("codename", "content_type")) == {
        ("view_clientreport", moved.pk),
        ("export_clientreport", moved.pk),
    }
