# No operations. Kept because spaces.0001_initial was generated while the activities models briefly
# lived in a migration of this name; the lead may fold this away when the migrations are reset.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations: list[migrations.operations.base.Operation] = []
