"""De StUF-laag van het Inningensysteem: pure Python (lxml + dataclasses), zonder Django.

* :mod:`.xml` — veilig parsen, schema's laden en valideren;
* :mod:`.fouten` — alle foutcodes (StUF 03.01 en FIN) en :class:`~.fouten.StufFout`;
* :mod:`.berichten` — de berichten als dataclasses;
* :mod:`.parse` — XML → dataclasses; :mod:`.build` — dataclasses → XML;
* :mod:`.soap` — SOAP 1.1-envelopes en -faults; :mod:`.tijd` — StUF-datums en -tijdstippen.
"""
