// Names the package a loaded file belongs to, for the start-up profile.
"use strict";
const path = require("node:path");

const REPO = path.resolve(__dirname, "../..");

function packageOf(file) {
  if (!file || !path.isAbsolute(file)) return "node builtins";
  const at = file.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (at >= 0) {
    const parts = file.slice(at + 14).split(path.sep);
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith(path.join(REPO, "dist"))) return "axonpush-otel (dist)";
  if (file.startsWith(path.join(REPO, "bench"))) return "bench app";
  return path.relative(REPO, file);
}

module.exports = { packageOf };
