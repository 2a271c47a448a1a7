/*
Package api is the HTTP/JSON interface of the office (接口): what `ssj
serve` runs, and what an agency platform mounts to give its own front end
the 双随机、一公开 steps and the published results.

It is a thin layer over package office: every read is an office query and
every write is one office step (one store transaction, traced in the
trail), so a refused request stores nothing. The handlers never touch the
store or the trail themselves.

# Paths and formats

Everything lives under /api/v1/ (docs/openapi.yaml describes every route;
a test checks the document against the routes). Responses are JSON; list
responses are pages {"items": [...], "next": "CURSOR"}, the next page
being ?after=CURSOR (limit 1–1000, default 100). Published objects (task
announcements, draw records, bundles, published results, reports) carry a
strong ETag and answer If-None-Match with 304 Not Modified.

Errors are RFC 9457 problem details (application/problem+json) with two
extension members naming what was refused: "field" (a JSON path or query
parameter) and "value". A refused office step keeps the office's field and
value (office.StepError).

# Roles

  - public: no token. Published results (公示), task announcements, draw
    records, public bundles and proofs, registries' snapshots, plans,
    checklists and summary reports.
  - operator (经办): enters results, releases reviewed results, records
    follow-ups, uploads evidence files.
  - approver (审核): reviews results, locks drawn lists.
  - auditor (审计): reads the trail, runs the audit, reads unpublished
    entries.

Staff send "Authorization: Bearer TOKEN". The token file (ParseTokens)
keeps only the tokens' SHA-256 hashes, one "HASH ROLE NAME" per line; NAME
is recorded as the actor of every step taken with the token. A write
without a token is 401, with a token of the wrong role 403; nothing is
stored in either case.

# Bad input

Request bodies are limited (Config.MaxBody); malformed JSON, unknown
fields, wrong types, a second JSON value, invalid IDs and out-of-range
query parameters are refused with a problem naming the field and value.
The handlers recover from any panic with a 500 problem, and the decoders
are fuzzed.
*/
package api
