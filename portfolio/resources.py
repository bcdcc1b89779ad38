"""Import and export of the departments."""

from import_export import resources

from .models import Department


class DepartmentResource(resources.ModelResource):
    class Meta:
        model = Department
        import_id_fields = ("code",)
        fields = ("code", "name", "note_prefix")
