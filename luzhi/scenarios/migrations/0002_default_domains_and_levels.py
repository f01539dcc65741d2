from django.db import migrations


def forwards(apps, schema_editor):
    from luzhi.scenarios.defaults import load_defaults

    load_defaults(apps.get_model("scenarios", "Domain"), apps.get_model("scenarios", "RecognitionLevel"))


class Migration(migrations.Migration):
    dependencies = [("scenarios", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
