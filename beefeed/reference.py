"""Reference rows (service items, amenities) that must exist in every database.

A data migration seeds them, and so does a post_migrate hook: a test run's
flushed database gets them back, and a new row added to the list reaches old
installations. Seeding only adds what is missing; it never overwrites an edit
made in the admin.
"""


def seed_after_migrate(app_label, model_name, seed):
    def handler(sender=None, apps=None, **kwargs):
        from django.apps import apps as global_apps

        try:
            model = (apps or global_apps).get_model(app_label, model_name)
        except LookupError:  # migrating backwards, before the model existed
            return
        seed(model)

    return handler
