from django.apps import AppConfig
from django.db.models.signals import post_migrate


def grant_app_role_after_migrate(sender, using="default", **kwargs):
    """After every migrate on PostgreSQL, the app's role gets its grants on the tables as they now
    are (shared.dbroles): never UPDATE, DELETE or TRUNCATE on the audit trail."""
    from django.conf import settings
    from django.db import connections

    from shared.dbroles import grant_app_role

    if settings.DATABASE_APP_ROLE:
        grant_app_role(settings.DATABASE_APP_ROLE, connection=connections[using])


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "سوابق (رویدادها)"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from audit.services import record_integrity_failure
        from shared import http

        # Every app's trail module declares the kinds and read actions it writes (audit.kinds).
        autodiscover_modules("trail")
        # The helpers below every app tell the trail of a damaged file through this hook.
        http.on_integrity_failure(record_integrity_failure)
        # And whether a stored upload's digest is one the trail recorded (audit.files).
        from audit.files import in_trail

        http.on_trail_check(in_trail)
        # post_migrate is sent per app after all migrations ran: every table exists by then.
        post_migrate.connect(
            grant_app_role_after_migrate, sender=self, dispatch_uid="audit.grant_app_role"
        )
