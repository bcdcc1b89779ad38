"""Import and export of the financing channels and their capacities."""

from import_export import fields, resources, widgets

from .models import ChannelCapacity, FinancingChannel


class FinancingChannelResource(resources.ModelResource):
    class Meta:
        model = FinancingChannel
        import_id_fields = ("kind",)
        fields = ("kind", "name", "description", "criteria")


class ChannelCapacityResource(resources.ModelResource):
    channel = fields.Field(
        column_name="channel",
        attribute="channel",
        widget=widgets.ForeignKeyWidget(FinancingChannel, field="kind"),
    )

    class Meta:
        model = ChannelCapacity
        import_id_fields = ("channel", "year")
        fields = ("channel", "year", "amount", "price_year", "is_demo", "note")
