import django_filters

from inningen.choices import VorderingStatus
from inningen.grootboek.models import Vordering


class VorderingFilter(django_filters.FilterSet):
    vorderingnummer = django_filters.CharFilter(field_name="vorderingnummer")
    tsaCode = django_filters.CharFilter(field_name="tsa", label="TSA-code")
    status = django_filters.ChoiceFilter(field_name="status", choices=VorderingStatus.choices)
    vervaldatumVanaf = django_filters.DateFilter(
        field_name="vervaldatum", lookup_expr="gte", label="Vervaldatum op of na (JJJJ-MM-DD)"
    )
    vervaldatumTot = django_filters.DateFilter(
        field_name="vervaldatum", lookup_expr="lte", label="Vervaldatum op of vóór (JJJJ-MM-DD)"
    )

    class Meta:
        model = Vordering
        fields = ["vorderingnummer", "tsaCode", "status", "vervaldatumVanaf", "vervaldatumTot"]
