"""Create the role groups. Their permissions are set by accounts.roles.roles_sync,
which runs after every `migrate` so that models added later are granted too."""

from django.db import migrations

ROLES = ("customer", "seller", "catalog manager", "warehouse operator", "support", "administrator")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, delete_groups)]
