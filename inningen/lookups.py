"""``field__any=[...]``: membership in a list, sent to PostgreSQL as one array parameter.

``field__in=values`` puts a placeholder per value in the SQL: for the thousand BSNs, numbers or
keys of one Di01 that is a long statement to quote, send and parse every time (17 ms against
8 ms for ``field = ANY(%s)`` on the same index). Other databases get the ordinary ``IN``.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.fields.related_lookups import RelatedLookupMixin
from django.db.models.lookups import In


@Field.register_lookup
class Any(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        # As In does: None never matches, duplicates do not count.
        waarden = {v for v in self.rhs if v is not None}
        return [self.lhs.output_field.get_prep_value(v) for v in waarden]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        veld = self.lhs.output_field
        waarden = [veld.get_db_prep_value(v, connection, prepared=True) for v in self.rhs]
        return f"{lhs} = ANY(%s)", (*lhs_params, waarden)


@ForeignObject.register_lookup
class RelatedAny(RelatedLookupMixin, Any):
    """``fk__any=[pk, ...]`` (foreign keys only accept lookups registered on them)."""

    def get_prep_lookup(self):
        # Model instances count by their key, as with fk__in.
        self.rhs = [getattr(v, "pk", v) for v in self.rhs]
        return super().get_prep_lookup()
