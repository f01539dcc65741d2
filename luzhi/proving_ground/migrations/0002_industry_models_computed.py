"""行业级大模型 (``industry-models``) becomes computed by the proving ground's rule in databases
synced before: the same change ``data/definitions.json`` makes on the next plan sync."""

from django.db import migrations
from django.db.models import F

CODE = "industry-models"
FUNCTION = "proving_ground.industry_models"


def forwards(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    if not Indicator.objects.filter(code=CODE, method="reported").update(
        method="computed", function=FUNCTION, figure_of_record="computed"
    ):
        return
    # What the cockpit stored for it is stale: recomputed on the next request.
    apps.get_model("indicators", "StoredAssessment").objects.filter(indicator__code=CODE).delete()
    apps.get_model("indicators", "DataVersion").objects.filter(key="indicators").update(
        counter=F("counter") + 1
    )


class Migration(migrations.Migration):
    dependencies = [
        ("proving_ground", "0001_initial"),
        ("indicators", "0005_stored_assessment"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
