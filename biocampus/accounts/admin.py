from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("campus", "organization")


@admin.register(User)
class BioCampusUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "campus", "role", "organization")
    list_filter = ("role", "campus")
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ("user", "campus", "organization")
