// Schema check of the Kubernetes manifests: every document of every file given on the command line
// is validated against the OpenAPI schema of its apiVersion and kind (Kubernetes core from
// kubernetes-models, ServiceMonitor/PrometheusRule from @kubernetes-models/prometheus-operator,
// ScaledObject from @kubernetes-models/keda). Unknown kinds, unknown fields and missing required
// fields are errors. Prints one line per document and exits 1 if any document is invalid.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse, parseAllDocuments } from "yaml";

const MODULES = {
  "keda.sh/": (version) => `@kubernetes-models/keda/keda.sh/${version}`,
  "monitoring.coreos.com/": (version) => `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}`,
};

function moduleFor(apiVersion) {
  for (const [prefix, path] of Object.entries(MODULES)) {
    if (apiVersion.startsWith(prefix)) return path(apiVersion.slice(prefix.length));
  }
  return `kubernetes-models/${apiVersion}`;
}

// --rules=<alerts.yml>: the PrometheusRule's spec.groups must equal that file's groups.
const rulesArg = process.argv.find((a) => a.startsWith("--rules="));
const alertGroups = rulesArg ? parse(readFileSync(rulesArg.slice("--rules=".length), "utf8")).groups : undefined;

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2).filter((a) => !a.startsWith("--"))) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      console.log(`INVALID ${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
      failures++;
      continue;
    }
    const manifest = doc.toJS();
    if (manifest === null || manifest === undefined) continue;
    const what = `${file}: ${manifest.kind} ${manifest.metadata?.name}`;
    try {
      if (file.endsWith("kustomization.yaml")) {
        if (manifest.kind !== "Kustomization") throw new Error("a kustomization.yaml must be a Kustomization");
        const missing = (manifest.resources ?? []).filter((r) => !existsSync(join(dirname(file), r)));
        if (missing.length > 0) throw new Error(`resources not found: ${missing.join(", ")}`);
        checked++;
        console.log(`valid   ${what}`);
        continue;
      }
      const module = await import(moduleFor(String(manifest.apiVersion)));
      const Model = module[manifest.kind];
      if (typeof Model !== "function") throw new Error(`unknown kind ${manifest.kind} in ${manifest.apiVersion}`);
      new Model(manifest).validate();
      if (manifest.kind === "PrometheusRule" && alertGroups !== undefined
          && !isDeepStrictEqual(manifest.spec.groups, alertGroups)) {
        throw new Error(`spec.groups differ from ${rulesArg.slice("--rules=".length)}`);
      }
      checked++;
      console.log(`valid   ${what}`);
    } catch (e) {
      failures++;
      console.log(`INVALID ${what}: ${e.message}`);
    }
  }
}
console.log(`${checked} valid, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
