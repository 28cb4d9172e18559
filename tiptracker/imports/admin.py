from django.contrib import admin

from tiptracker.imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "partnership", "kind", "filename", "status", "rows_total"]
    list_filter = ["partnership", "kind", "status"]
    exclude = ["data"]
    readonly_fields = [f.name for f in ImportRun._meta.fields if f.name != "data"]
