"""The admin pages of data that changes decisions (working groups and their members, the offence
catalogue, document types, border points, the yearly policy, agencies' offices...): every add,
change and delete made there is an event of the audit chain, field by field with the old and the
new value, the administrator as actor, like every other change (``RecordedAdmin``).

And no delete-confirmation page names what points at the row: a page that listed the rows a
delete would reach named every identity document of a document type and every order of a border
point. ``CountsOnlyDelete`` refuses to delete a row anything points at, and its confirmation
page lists the rows asked for and counts by kind, nothing else.

Generic: the apps above audit mix these into their own admin classes; nothing here names them.
"""

from django.contrib import admin
from django.db import transaction

from audit import services as audit
from audit.models import Event
from shared.persian import digits_to_persian


def _recorded_fields(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if not field.primary_key]


def _snapshot(obj) -> dict:
    return audit.snapshot(obj, _recorded_fields(type(obj)))


def _stored(obj) -> dict:
    """``obj`` as its row is now in the database (the form has already changed the instance)."""
    stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
    return _snapshot(stored) if stored is not None else {}


VERBS = {"added": "افزودن", "changed": "ویرایش", "deleted": "حذف"}


def record_admin_change(*, by, obj, before: dict, after: dict, what: str, within=None) -> Event:
    """One event: ``obj`` (a row of an admin page) added, changed or deleted (``what``), each field
    with its label, old and new value. ``within``: the row whose page it was edited on (a working
    group, for a member)."""
    opts = type(obj)._meta
    label = f"{VERBS[what]} {opts.verbose_name} «{obj}»"
    if within is not None:
        label = f"{label} در {type(within)._meta.verbose_name} «{within}»"
    if what == "deleted":
        changes = [
            {**now, "field": name, "old": now["value"], "new": ""} for name, now in before.items()
        ]
        for change in changes:
            change.pop("value", None)
    else:
        changes = audit.diff(before, after)
    return audit.record(
        by=by,
        kind=Event.Kind.CHANGE,
        action=f"admin_{what}",
        label=f"{label} (صفحه مدیریت)"[:255],
        reason=f"{opts.app_label}.{opts.model_name} #{obj.pk}",
        changes=changes,
    )


class CountsOnlyDelete(admin.ModelAdmin):
    """A row anything points at is not deleted here (deactivate it, or add a new version); the
    delete pages name only the rows asked for, and count by kind what points at them."""

    view_on_site = False

    def _pointing(self, objs):
        """(kind, rows of it pointing at ``objs``) for each relation of the model, found through
        Django's relation registry: no app is named here."""
        for relation in self.opts.get_fields(include_hidden=True):
            if not (relation.is_relation and relation.auto_created and not relation.concrete):
                continue  # not a relation of another model to this one
            if relation.related_model._meta.auto_created:
                continue  # a many-to-many's own table: counted by the relation itself
            rows = relation.related_model._default_manager.filter(
                **{f"{relation.field.name}__in": objs}
            )
            yield str(relation.related_model._meta.verbose_name_plural), rows

    def in_use(self, obj) -> bool:
        return any(rows.exists() for _, rows in self._pointing([obj]))

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.in_use(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        counts: dict[str, int] = {}
        for kind, rows in self._pointing(objs):
            found = rows.count()
            if found:
                counts[kind] = counts.get(kind, 0) + found
        refused = [
            f"{digits_to_persian(count)} ردیف از {kind} به این داده وابسته است"
            for kind, count in counts.items()
        ]
        deletable = [f"{self.opts.verbose_name} «{obj}»" for obj in objs]
        return deletable, {str(self.opts.verbose_name_plural): len(objs)}, set(), refused


class RecordedAdmin(CountsOnlyDelete):
    """Each add, change and delete on this page, and on its inline rows, is an audit event."""

    def save_model(self, request, obj, form, change):
        before = _stored(obj) if change else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_admin_change(
                by=request.user,
                obj=obj,
                before=before,
                after=_snapshot(obj),
                what="changed" if change else "added",
            )

    def delete_model(self, request, obj):
        before = _snapshot(obj)
        with transaction.atomic():
            pk = obj.pk
            super().delete_model(request, obj)
            obj.pk = pk  # the delete cleared it; the event names the row deleted
            record_admin_change(by=request.user, obj=obj, before=before, after={}, what="deleted")

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        before = {
            inline.instance.pk: _stored(inline.instance)
            for inline in formset.initial_forms
            if inline.instance.pk
        }
        deleted = [
            (inline.instance, inline.instance.pk)
            for inline in getattr(formset, "deleted_forms", [])
            if inline.instance.pk
        ]
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            within = form.instance
            for obj in formset.new_objects:
                record_admin_change(
                    by=request.user,
                    obj=obj,
                    before={},
                    after=_snapshot(obj),
                    what="added",
                    within=within,
                )
            for obj, _fields in formset.changed_objects:
                record_admin_change(
                    by=request.user,
                    obj=obj,
                    before=before.get(obj.pk, {}),
                    after=_snapshot(obj),
                    what="changed",
                    within=within,
                )
            for obj, pk in deleted:
                obj.pk = pk
                record_admin_change(
                    by=request.user,
                    obj=obj,
                    before=before[pk],
                    after={},
                    what="deleted",
                    within=within,
                )
