from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0008_case_search_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="investmentcase",
            index=models.Index(fields=["-updated_at", "-id"], name="investmentcase_updated"),
        ),
        migrations.AddIndex(
            model_name="investmentcase",
            index=models.Index(fields=["title", "id"], name="investmentcase_title"),
        ),
    ]
