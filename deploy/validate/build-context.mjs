// The files of a Docker build context: reads file paths (one a line, relative to the context, e.g.
// `git ls-files` of a fresh clone) from standard input and prints those that the given
// .dockerignore lets through, by Docker's rules (@balena/dockerignore, a port of Docker's own
// matcher: `*` matches at the top level only, and `!` re-includes below an excluded folder).
//   git ls-files | node build-context.mjs src/main/docker/Dockerfile.dockerignore
import { readFileSync } from "node:fs";
import dockerignore from "@balena/dockerignore";

const rules = dockerignore().add(readFileSync(process.argv[2], "utf8"));
const paths = readFileSync(0, "utf8").split("\n").filter((line) => line.length > 0);
for (const path of rules.filter(paths)) console.log(path);
