// Validates every document of the Kubernetes manifests offline, without a cluster:
//   node validate.mjs [file.yaml ...]        (default: every silo-config/k8s/*.yaml of the repository)
// Each document is checked twice: against the Kubernetes OpenAPI schema of its apiVersion and kind (types, required
// fields, enums; the kubernetes-models classes), and for fields the API does not know (the schemas allow them, the API
// server rejects them under strict validation; the field lists of @kubernetes/client-node's models). Prints one line per
// document and exits 1 on any error.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as k8s from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const manifests = resolve(here, "..", "..", "silo-config", "k8s");
const files = process.argv.length > 2
  ? process.argv.slice(2).map((f) => resolve(f))
  : readdirSync(manifests).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(manifests, f));

let documents = 0;
let failures = 0;
for (const file of files) {
  const parsed = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [index, document] of parsed.entries()) {
    const where = `${basename(file)} #${index + 1}`;
    const errors = document.errors.map((e) => e.message);
    const value = errors.length === 0 ? document.toJS() : null;
    if (value === null && errors.length === 0) {
      continue; // an empty document, e.g. after a trailing ---
    }

    documents++;
    const name = value ? `${value.kind} ${value.metadata?.name ?? "(no name)"}` : "(unparsable)";
    if (value) {
      errors.push(...(await schemaErrors(value)), ...unknownFields(value, modelName(value), ""));
    }

    if (errors.length === 0) {
      console.log(`ok    ${where} ${name}`);
    } else {
      failures++;
      console.log(`FAIL  ${where} ${name}`);
      for (const error of errors) {
        console.log(`        ${error}`);
      }
    }
  }
}

if (documents === 0) {
  console.log(`no documents found in ${files.join(", ") || manifests}`);
  process.exit(1);
}

console.log(`${documents - failures} valid, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);

// The kubernetes-models class for the document's apiVersion and kind validates it against the OpenAPI schema.
async function schemaErrors(value) {
  if (typeof value.apiVersion !== "string" || typeof value.kind !== "string") {
    return ["apiVersion and kind must be strings"];
  }

  let models;
  try {
    models = await import(`kubernetes-models/${value.apiVersion}`);
  } catch {
    return [`apiVersion ${value.apiVersion} is not a Kubernetes API group version`];
  }

  const Model = models[value.kind];
  if (typeof Model !== "function") {
    return [`${value.apiVersion} has no kind ${value.kind}`];
  }

  try {
    new Model(value).validate();
    return [];
  } catch (error) {
    return [String(error.message ?? error)];
  }
}

// client-node names its models after the version and kind: apps/v1 Deployment is V1Deployment.
function modelName(value) {
  const version = String(value.apiVersion ?? "").split("/").pop();
  return version.charAt(0).toUpperCase() + version.slice(1) + value.kind;
}

function unknownFields(value, type, path) {
  if (value === null || typeof value !== "object") {
    return []; // scalars are the schema's business
  }

  const list = /^Array<(.+)>$/.exec(type);
  if (list) {
    return Array.isArray(value) ? value.flatMap((item, i) => unknownFields(item, list[1], `${path}/${i}`)) : [];
  }

  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    return Object.entries(value).flatMap(([key, item]) => unknownFields(item, map[1], `${path}/${key}`));
  }

  const model = k8s[type];
  if (typeof model?.getAttributeTypeMap !== "function" || Array.isArray(value)) {
    return [];
  }

  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([key, item]) => fields.has(key)
    ? unknownFields(item, fields.get(key), `${path}/${key}`)
    : [`${path}/${key}: unknown field; ${type} has ${[...fields.keys()].join(", ")}`]);
}
