"""The schema.org ``Dataset`` of the graph, for the HTML pages (what dataset search engines read).

:func:`schema_org` makes it, as a JSON-LD dict, from the same
:class:`~ruhrgraph.publish.publication.Publication` as the DCAT-AP.de catalogue and VoID:
the build's dumps, the settings' publisher and licence, the graph's summary (temporal
coverage). The web layer embeds it in every page; it states nothing the catalogue does not.
"""

from __future__ import annotations

from typing import Any

from ruhrgraph.publish.publication import GEONAMES_NRW, KEYWORDS, Publication


def schema_org(pub: Publication) -> dict[str, Any]:
    """A schema.org ``Dataset`` for the HTML pages (what dataset search engines read)."""
    site, settings = pub.site, pub.settings
    organisation = {"@type": "Organization", "name": settings.publisher_name,
                    "url": settings.publisher_url,
                    "email": settings.contact_email}
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": str(pub.dataset),
        "name": pub.titles()["de"],
        "alternateName": pub.titles()["en"],
        "description": pub.descriptions()["de"],
        "url": site.url(),
        "identifier": str(pub.dataset),
        "keywords": [word for word, _ in KEYWORDS],
        "inLanguage": "de",
        "license": pub.licence_url,
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "version": pub.build_id,
        "dateModified": pub.built.isoformat(),
        "datePublished": pub.built.isoformat(),
        "spatialCoverage": {"@type": "Place", "name": "Ruhrgebiet, Nordrhein-Westfalen",
                            "sameAs": GEONAMES_NRW},
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "ruhrgraph",
                                  "url": site.url("catalog")},
        "distribution": [
            {"@type": "DataDownload", "name": f"{d.name} ({d.format})",
             "encodingFormat": d.content_type, "contentUrl": site.download(d),
             "contentSize": f"{d.bytes} B"} for d in pub.dumps],
    }
    if pub.summary.first_year is not None:
        last = pub.summary.last_year
        data["temporalCoverage"] = f"{pub.summary.first_year}/{last if last else '..'}"
    return data
