"""Help texts of the importers, in a module without imports (the CLI shows them in ``--help``)."""

RELATIONS_CSV_HELP = """\
Add relations from a spreadsheet. Save the sheet as CSV (UTF-8; comma,
semicolon or tab separated); the first row names the columns, in any order:

  type        relation type: operates_in, engages_in, allied_with, rival_of,
              associated_with, member_of, leads, faction_of, supplies,
              traffics_to, located_in, hub_for, participated_in, occurred_in,
              targets, concerns, opposes (the label "operates in" works too)
  subject     entity id (shining-path) or its exact name or alias
  object      entity id or exact name or alias
  since       when it began: YYYY, YYYY-MM or YYYY-MM-DD (optional)
  until       when it ended (optional; empty = still holds or unknown)
  confidence  Admiralty code: source reliability A-F + credibility 1-6, e.g. B2
  source      id of a source already in the seeds (see their sources.yaml)
  quote       verbatim quote from the source (optional)
  page        page or section (optional)
  notes       free text (optional)
  id          relation id (optional; default SUBJECT--TYPE--OBJECT)

Defaults for empty cells: -O confidence=B2, -O source=SOURCE-ID.

Several rows with the same relation (same id, or the same type, subject,
object and period) make one relation with several citations. The subject,
object and source must exist in the seed folder (--seeds, default the bundled
Peru data). Every error is reported as FILE:LINE: column X: message (the
header is line 1) and nothing is written until the file is clean; the output
is seed YAML ready to drop into seeds/<dataset>/relations/. The edges.csv of
`crimegraph export --format csv` is accepted as input as well.
"""

#: import format -> the text ``crimegraph import --help`` shows for it
IMPORT_HELP: dict[str, str] = {
    "csv": RELATIONS_CSV_HELP,
    "ftm": """\
Map FollowTheMoney entities (line-delimited JSON: an Aleph export,
OpenSanctions' entities.ftm.json or nested JSON, or crimegraph's own ftm
export) into seed YAML for review. What cannot be mapped is listed, never
fatal. Options (-O KEY=VALUE): confidence (for relations, default F6),
reliability (of the source made for the file, default F), source_id,
source_title, organization_type (for organizations whose topics say
nothing, default transnational_criminal_organization), namespace (id
prefix of crimegraph's export, default crimegraph).
""",
}
