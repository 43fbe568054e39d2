"""Every claim gets a check-worthiness score: curated claims and claims added by hand were
stored without one, so "most check-worthy first" could not order them. They are scored
here with the extractor's own measure (claims.extraction.score_sentence), as new ones
are from now on."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    from claims.extraction import score_sentence

    Claim = apps.get_model("claims", "Claim")
    batch = []
    for claim in Claim.objects.filter(checkworthiness__isnull=True).only("id", "text").iterator():
        score, reasons = score_sentence(claim.text)
        claim.checkworthiness = score
        claim.checkworthiness_reasons = list(reasons)
        batch.append(claim)
        if len(batch) == 1000:
            Claim.objects.bulk_update(batch, ["checkworthiness", "checkworthiness_reasons"])
            batch = []
    if batch:
        Claim.objects.bulk_update(batch, ["checkworthiness", "checkworthiness_reasons"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_claim_public")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
