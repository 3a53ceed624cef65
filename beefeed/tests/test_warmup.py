"""gunicorn's master loads what the workers' first requests would (beefeed.warmup), without opening a
connection the forked workers would share."""

from beefeed import warmup


def test_the_master_compiles_every_page_template_and_touches_no_database():
    # No django_db mark: any database access here fails the test (pytest-django refuses it).
    compiled = warmup.warm()
    assert {"base.html", "issues/board.html", "issues/board_detail.html", "stations/map.html"} <= set(compiled)
    assert "admin/change_list.html" in compiled  # the coordinators' pages too
