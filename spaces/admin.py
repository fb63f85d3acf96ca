from django.contrib import admin

from spaces.models import Attachment, Comment, LibraryUse, Post, Space, Subscription


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin[Space]):
    list_display = ["__str__", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["challenge", "activity"]
    readonly_fields = ["kind", "challenge", "activity", "created_at"]


class AttachmentInline(admin.TabularInline[Attachment, Post]):
    model = Attachment
    extra = 0
    fields = ["original_name", "extension", "size", "uploaded_at"]
    readonly_fields = ["original_name", "extension", "size", "uploaded_at"]
    can_delete = False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = [
        "title",
        "space",
        "kind",
        "organisation",
        "is_reusable",
        "created_at",
        "hidden_at",
    ]
    list_filter = ["kind", "is_reusable", ("hidden_at", admin.EmptyFieldListFilter)]
    list_select_related = ["space__challenge", "space__activity", "organisation"]
    search_fields = ["title", "body"]
    # Hiding goes through the post page (spaces.services.hide_post keeps reason, who and when).
    readonly_fields = [
        "space", "author", "organisation", "body_html", "answered_at", "answered_by", "answer",
        "hidden_at", "hidden_by", "hidden_reason", "created_at", "updated_at",
    ]  # fmt: skip
    inlines = [AttachmentInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    list_display = ["__str__", "organisation", "created_at"]
    list_select_related = ["organisation"]
    readonly_fields = ["post", "author", "organisation", "body_html", "created_at"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = ["user", "space", "mode", "updated_at"]
    list_filter = ["mode"]
    list_select_related = ["user", "space__challenge", "space__activity"]


@admin.register(LibraryUse)
class LibraryUseAdmin(admin.ModelAdmin[LibraryUse]):
    list_display = ["post", "organisation", "used_at"]
    list_select_related = ["post", "organisation"]
    readonly_fields = ["post", "organisation", "used_by", "used_at"]
