"""Writes all.zip and all-zip64.zip with CPython's zipfile, in the layout of OSV's per-ecosystem
exports (https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip: one <id>.json per
advisory at the top level). all-zip64.zip is the same archive with zip64 records forced, as an
archive of more than 65,535 advisories has them. Run from this folder: python3 make-zips.py"""
import json
import zipfile

RECORDS = [
    {
        "schema_version": "1.4.0",
        "id": "GHSA-4q6p-r6v2-jvc5",
        "modified": "2024-04-02T00:00:00Z",
        "published": "2024-04-01T00:00:00Z",
        "aliases": ["CVE-2024-66666"],
        "summary": "ReDoS in slugr",
        "details": "A crafted title makes slugr's pattern backtrack.",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "slugr"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0.5"}]}],
            }
        ],
        "database_specific": {"severity": "HIGH"},
    },
    {
        "schema_version": "1.4.0",
        "id": "GHSA-8m3x-2c9w-q5hv",
        "modified": "2024-05-10T00:00:00Z",
        "published": "2024-05-09T00:00:00Z",
        "aliases": [],
        "summary": "Open redirect in slugr-server",
        "details": "",
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "slugr-server"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}]}],
            }
        ],
        "database_specific": {"severity": "LOW"},
    },
]


def write(path, stored_first):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for i, record in enumerate(RECORDS):
            method = zipfile.ZIP_STORED if (stored_first and i == 0) else zipfile.ZIP_DEFLATED
            z.writestr(zipfile.ZipInfo(record["id"] + ".json", (2024, 1, 1, 0, 0, 0)), json.dumps(record, indent=2), compress_type=method)


write("all.zip", stored_first=True)
zipfile.ZIP64_LIMIT = 16
zipfile.ZIP_FILECOUNT_LIMIT = 1
write("all-zip64.zip", stored_first=False)
