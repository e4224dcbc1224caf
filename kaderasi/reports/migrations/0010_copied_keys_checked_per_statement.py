from django.db import migrations

from kaderasi.reports import copied_keys


class Migration(migrations.Migration):
    """PostgreSQL: the six keys the mothers' rollup rows copy (her posyandu's ancestors, her
    programme and posyandu on her day rows) are checked once per statement by triggers instead
    of once per row by foreign keys (decision 0305). SQLite keeps its foreign keys."""

    dependencies = [("reports", "0009_village_day_flows")]

    operations = [migrations.RunPython(copied_keys.install, copied_keys.remove)]
