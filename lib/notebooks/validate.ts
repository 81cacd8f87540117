import Ajv from "ajv-draft-04";
import type { ErrorObject } from "ajv";
import type { NotebookDoc } from "../db/schema";
import { ValidationError } from "../errors";
// The official nbformat 4.5 JSON schema (Jupyter's nbformat package, BSD-3-Clause), copied
// unchanged from Debian's python3-nbformat 5.5.
import schema from "./nbformat.v4.5.schema.json";

let compiled: ReturnType<Ajv["compile"]> | undefined;
function validator() {
  return (compiled ??= new Ajv({ allErrors: false, strict: false }).compile(schema));
}

function describe(e: ErrorObject): { field: string; message: string } {
  const where = e.instancePath || "/";
  const extra = e.keyword === "additionalProperties" ? ` ('${(e.params as { additionalProperty: string }).additionalProperty}')` : "";
  return { field: where, message: `${where}: ${e.message ?? "is invalid"}${extra}` };
}

/** Throws a 400 naming the first place the document breaks the nbformat 4.5 schema. */
export function assertValidNotebook(doc: unknown): asserts doc is NotebookDoc {
  const validate = validator();
  if (validate(doc)) return;
  const first = describe(validate.errors![0]!);
  throw new ValidationError(`Not a valid nbformat 4.5 notebook: ${first.message}`, first.field, "invalid_notebook");
}

export function isValidNotebook(doc: unknown): boolean {
  return validator()(doc) as boolean;
}
