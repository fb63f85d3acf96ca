"""The Django admin for every partners model: the office's fallback, with search and filters."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts import policy
from partners import services
from partners.models import (
    Commitment,
    CommitmentChange,
    CommitmentSet,
    ContactPerson,
    Declaration,
    GroupRelation,
    Membership,
    Organisation,
    OrganisationStatusChange,
)


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ("contact", "organisation")


class StatusChangeInline(admin.TabularInline[OrganisationStatusChange, Organisation]):
    model = OrganisationStatusChange
    extra = 0
    fields = ("changed_on", "previous_status", "status", "note", "changed_by")
    readonly_fields = ("changed_by",)


class CommitmentInline(admin.TabularInline[Commitment, CommitmentSet]):
    model = Commitment
    extra = 0
    fields = ("challenge", "plan", "looking_for_partners")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "organisation_number", "kind", "sector", "employees", "status")
    list_filter = ("status", "kind", "sector")
    search_fields = ("name", "organisation_number", "city")
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = [MembershipInline, StatusChangeInline]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin[ContactPerson]):
    list_display = ("last_name", "first_name", "email", "title", "user", "invited_at")
    list_filter = ("memberships__is_main_contact", "memberships__is_active")
    search_fields = ("first_name", "last_name", "email", "memberships__organisation__name")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    inlines = [MembershipInline]

    # Issue 15: the person's login follows the office's change of name and e-mail (audited and
    # told to the old address); a superuser's record and login are a superuser's to change.
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        login = obj.user if obj is not None else None
        if login is not None and not policy.can(request.user, "accounts.manage_login", login):
            readonly += (*services.IDENTITY_FIELDS, "user")
        return readonly

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user" and not request.user.is_superuser:
            # The office links a contact to a login it resolved, never to a superuser's.
            kwargs["queryset"] = get_user_model().objects.filter(is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ContactPerson, form: Any, change: bool) -> None:
        changed = set(form.changed_data) if change else set()
        old = {k: form.initial.get(k) for k in services.IDENTITY_FIELDS if k in changed}
        super().save_model(request, obj, form, change)
        if old and obj.user_id is not None and "user" not in changed:
            try:
                services.sync_login(obj, old, by=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:  # another login has the address: the office resolves
                self.message_user(request, " ".join(exc.messages), level=messages.ERROR)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = (
        "contact",
        "organisation",
        "is_main_contact",
        "is_survey_submitter",
        "is_survey_contributor",
        "is_communications",
        "is_active",
    )
    list_filter = (
        "is_active",
        "is_main_contact",
        "is_survey_submitter",
        "is_survey_contributor",
        "is_communications",
    )
    search_fields = (
        "contact__first_name",
        "contact__last_name",
        "contact__email",
        "organisation__name",
    )
    list_select_related = ("contact", "organisation")
    autocomplete_fields = ("contact", "organisation")


@admin.register(OrganisationStatusChange)
class OrganisationStatusChangeAdmin(admin.ModelAdmin[OrganisationStatusChange]):
    list_display = ("organisation", "changed_on", "previous_status", "status", "changed_by")
    list_filter = ("status", "changed_on")
    search_fields = ("organisation__name", "note")
    list_select_related = ("organisation", "changed_by")
    autocomplete_fields = ("organisation",)
    date_hierarchy = "changed_on"


@admin.register(GroupRelation)
class GroupRelationAdmin(admin.ModelAdmin[GroupRelation]):
    list_display = ("from_organisation", "kind", "to_organisation")
    list_filter = ("kind",)
    search_fields = ("from_organisation__name", "to_organisation__name")
    list_select_related = ("from_organisation", "to_organisation")
    autocomplete_fields = ("from_organisation", "to_organisation")


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin[Declaration]):
    list_display = ("organisation", "period", "signed_on", "signatory_name", "signatory_title")
    list_filter = ("period", "goals")
    search_fields = ("organisation__name", "signatory_name")
    list_select_related = ("organisation", "period")
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("goals",)
    date_hierarchy = "signed_on"


@admin.register(CommitmentSet)
class CommitmentSetAdmin(admin.ModelAdmin[CommitmentSet]):
    list_display = ("organisation", "period", "status", "confirmed_at", "confirmed_by")
    list_filter = ("status", "period")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation", "period", "confirmed_by")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("version",)
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin[Commitment]):
    list_display = ("commitment_set", "challenge", "looking_for_partners")
    list_filter = (
        "commitment_set__status",
        "commitment_set__period",
        "challenge__focus_area",
        "challenge",
        "looking_for_partners",
    )
    search_fields = ("commitment_set__organisation__name", "plan")
    list_select_related = ("commitment_set__organisation", "commitment_set__period", "challenge")


@admin.register(CommitmentChange)
class CommitmentChangeAdmin(admin.ModelAdmin[CommitmentChange]):
    list_display = ("commitment_set", "action", "challenge", "changed_by", "changed_at")
    list_filter = ("action", "commitment_set__period")
    search_fields = ("commitment_set__organisation__name", "plan")
    list_select_related = (
        "commitment_set__organisation",
        "commitment_set__period",
        "challenge",
        "changed_by",
    )
