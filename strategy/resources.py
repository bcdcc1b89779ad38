"""Import and export of the strategy frame (django-import-export)."""

from import_export import fields, resources, widgets

from .models import Ambition, Potential, Principle, Strategy, Theme, ThemeGoal


class StrategyResource(resources.ModelResource):
    class Meta:
        model = Strategy
        import_id_fields = ("name",)
        fields = ("name", "version", "starts_year", "ends_year", "vision", "approved_on")


class ThemeResource(resources.ModelResource):
    strategy = fields.Field(
        column_name="strategy",
        attribute="strategy",
        widget=widgets.ForeignKeyWidget(Strategy, field="name"),
    )

    class Meta:
        model = Theme
        import_id_fields = ("strategy", "number")
        fields = ("strategy", "number", "name", "headline")


class ThemeGoalResource(resources.ModelResource):
    class Meta:
        model = ThemeGoal
        fields = ("id", "theme", "order", "text")


class PrincipleResource(resources.ModelResource):
    class Meta:
        model = Principle
        import_id_fields = ("number",)
        fields = ("number", "name", "description")


class AmbitionResource(PrincipleResource):
    class Meta(PrincipleResource.Meta):
        model = Ambition


class PotentialResource(PrincipleResource):
    class Meta(PrincipleResource.Meta):
        model = Potential
