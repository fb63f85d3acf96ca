from django.contrib import admin

from partners.models import ContactPerson, Membership, Organisation


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ("contact", "organisation")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "organisation_number", "kind", "sector", "status")
    list_filter = ("status", "kind", "sector")
    search_fields = ("name", "organisation_number")
    inlines = [MembershipInline]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin[ContactPerson]):
    list_display = ("last_name", "first_name", "email", "title", "user")
    search_fields = ("first_name", "last_name", "email")
    list_select_related = ("user",)
    inlines = [MembershipInline]
