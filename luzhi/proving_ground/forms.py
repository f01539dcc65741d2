"""Forms of the proving ground's pages (validation lives in the models and services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from luzhi.core.forms import ApproveRejectForm
from luzhi.proving_ground.models import Benchmark
from luzhi.proving_ground.models import Deployment
from luzhi.proving_ground.models import EvaluationRun
from luzhi.proving_ground.models import IndicatorRule
from luzhi.proving_ground.models import LargeModel
from luzhi.registry.models import Enterprise


class LargeModelForm(forms.ModelForm):
    endpoint_url = LargeModel._meta.get_field("endpoint_url").formfield(assume_scheme="https")

    class Meta:
        model = LargeModel
        fields = ["provider", "name", "version", "kind", "domain", "parameters_b", "description", "endpoint_url",
                  "endpoint_model", "api_key_env", "national_filing_no", "national_filed_on"]
        widgets = {"national_filed_on": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers if providers is not None else Enterprise.objects.all()
        if self.instance.pk:
            del self.fields["provider"]


class FilingDecisionForm(ApproveRejectForm):
    filing_no = forms.CharField(label=_("登记备案号"), max_length=40, required=False)


class DeploymentForm(forms.ModelForm):
    class Meta:
        model = Deployment
        fields = ["adopter_name", "state_owned", "purpose", "since"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"})}


class RunForm(forms.ModelForm):
    class Meta:
        model = EvaluationRun
        fields = ["benchmark", "mode", "concurrency", "shard_count"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["benchmark"].queryset = Benchmark.objects.all()


class RuleForm(forms.ModelForm):
    class Meta:
        model = IndicatorRule
        fields = ["name", "require_national_filing", "require_provincial_filing", "benchmarks", "min_accuracy",
                  "min_deployments"]
        widgets = {"benchmarks": forms.CheckboxSelectMultiple}
