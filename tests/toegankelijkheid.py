"""HTML-level accessibility checks shared by the view tests (#19 finding 5).

axe (tests/ui/test_toegankelijkheid.py) needs a browser; these run on every test database and
catch the mistakes that slipped through before: an aria-describedby naming an id that is not on
the page, a form control without a name for assistive technology, the same id twice."""

from collections import Counter

from lxml import html

IDREF_ATTRIBUTEN = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")
ZONDER_LABEL = ("hidden", "submit", "button", "reset", "image")


def html_problemen(inhoud: bytes | str) -> list[str]:
    """Every problem found, as readable text; [] when the page passes."""
    doc = html.fromstring(inhoud)
    ids = Counter(el.get("id") for el in doc.xpath("//*[@id]"))
    problemen = [f"id {i!r} komt {n} keer voor" for i, n in ids.items() if n > 1]
    for attr in IDREF_ATTRIBUTEN:
        for el in doc.xpath(f"//*[@{attr}]"):
            for ref in el.get(attr).split():
                if ref not in ids:
                    problemen.append(f"{attr}={ref!r} op <{el.tag} {_naam(el)}>: id bestaat niet")
    for el in doc.xpath("//label[@for]"):
        if el.get("for") not in ids:
            problemen.append(f"<label for={el.get('for')!r}>: id bestaat niet")
    gelabeld = {el.get("for") for el in doc.xpath("//label[@for]")}
    for el in doc.xpath("//input | //select | //textarea"):
        if el.get("type") in ZONDER_LABEL:
            continue
        if (
            el.get("aria-label", "").strip()
            or el.get("aria-labelledby")
            or (el.get("id") and el.get("id") in gelabeld)
            or el.xpath("ancestor::label")
        ):
            continue
        problemen.append(f"<{el.tag} {_naam(el)}> heeft geen label")
    return problemen


def _naam(el) -> str:
    return f"name={el.get('name')!r} id={el.get('id')!r}"
