"""XML schemas (the vendored ISO 20022 XSDs): each loaded once per process, and one hardened way
to check a document against one."""

from functools import cache
from pathlib import Path

from lxml import etree


def _parser() -> etree.XMLParser:
    # No DTDs, no entities, no network: schemas and documents are files from outside.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def xsd_schema(pad: Path) -> etree.XMLSchema:
    """The schema at ``pad``, loaded once per process."""
    return etree.XMLSchema(etree.parse(str(pad), parser=_parser()))


def xsd_fout(xml: bytes, pad: Path):
    """The first error of ``xml`` against the schema at ``pad`` (an lxml log entry with
    ``line`` and ``message``), or None when it conforms."""
    schema = xsd_schema(pad)
    if schema.validate(etree.fromstring(xml, parser=_parser())):
        return None
    return schema.error_log.last_error
