/**
 * Writes dist/THIRD-PARTY-LICENSES.txt after `tsup` (see `npm run build`):
 * the licence texts and NOTICE files of every package whose code is in a
 * published file, read from the packages' own files. Which packages those
 * are comes from esbuild's metafiles of this very build
 * (scripts/bundle-contents.ts), so the file follows version changes and
 * packages added later by itself.
 *
 * A package with no licence file of its own but a "License" section in its
 * README (data-uri-to-buffer, for one) gets that section. A bundled package
 * with neither fails the build: shipping its code without its licence is
 * not an option.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundledPackages, readBundleRecords, type BundledPackage } from "./bundle-contents.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const OUTPUT = path.join(ROOT, "dist", "THIRD-PARTY-LICENSES.txt");

const LICENCE_FILE = /^(licen[cs]e|copying)([.-].*)?$/i;
const NOTICE_FILE = /^notice([.-].*)?$/i;

export interface LicensedPackage {
  readonly name: string;
  readonly version: string;
  /** The `license` field of its package.json (as written there). */
  readonly declared: string;
  readonly outputs: readonly string[];
  readonly licences: readonly { file: string; text: string }[];
  readonly notices: readonly { file: string; text: string }[];
}

function declaredLicence(pkg: { license?: unknown; licenses?: unknown }): string {
  if (typeof pkg.license === "string") return pkg.license;
  if (pkg.license && typeof pkg.license === "object" && "type" in pkg.license) return String(pkg.license.type);
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l: { type?: string }) => l.type ?? "?").join(" OR ");
  return "(none declared)";
}

const readText = (file: string) => readFileSync(file, "utf8").replace(/\r\n/g, "\n").trimEnd();

const isUnderline = (line: string | undefined) => line !== undefined && /^(-{3,}|={3,})\s*$/.test(line);
const isHeading = (lines: readonly string[], i: number) => /^#{1,6}\s/.test(lines[i]!) || (lines[i]!.trim() !== "" && isUnderline(lines[i + 1]));

/** The "License" section of a markdown README (to the next heading or link definitions), or undefined. */
export function readmeLicenceSection(markdown: string): string | undefined {
  const lines = markdown.replace(/\r\n/g, "\n").split("\n");
  const start = lines.findIndex((line, i) => isHeading(lines, i) && /^(#{1,6}\s*)?licen[cs]e\s*:?\s*#*\s*$/i.test(line.trim()));
  if (start < 0) return undefined;
  const bodyStart = isUnderline(lines[start + 1]) ? start + 2 : start + 1;
  let end = bodyStart;
  while (end < lines.length && !isHeading(lines, end) && !/^\[[^\]]+\]:\s/.test(lines[end]!)) end += 1;
  const body = lines.slice(bodyStart, end).join("\n").trim();
  return body === "" ? undefined : body;
}

/** Reads one bundled package's name, version and licence files; `root` is where its directory is relative to. */
export function readLicensedPackage(bundled: BundledPackage, root = ROOT): LicensedPackage {
  const directory = path.join(root, bundled.directory);
  const pkg = JSON.parse(readFileSync(path.join(directory, "package.json"), "utf8")) as { name: string; version: string; license?: unknown; licenses?: unknown };
  const files = readdirSync(directory, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
  const read = (pattern: RegExp) => files.filter((file) => pattern.test(file)).map((file) => ({ file, text: readText(path.join(directory, file)) }));
  let licences = read(LICENCE_FILE);
  const readme = files.find((file) => /^readme(\.md|\.markdown)?$/i.test(file));
  if (licences.length === 0 && readme) {
    const section = readmeLicenceSection(readText(path.join(directory, readme)));
    if (section) licences = [{ file: `${readme} (licence section)`, text: section }];
  }
  return {
    name: pkg.name,
    version: pkg.version,
    declared: declaredLicence(pkg),
    outputs: bundled.outputs,
    licences,
    notices: read(NOTICE_FILE),
  };
}

/** Packages whose code is bundled but who ship no licence file: the build stops on them. */
export function withoutLicence(packages: readonly LicensedPackage[]): string[] {
  return packages.filter((p) => p.licences.length === 0).map((p) => `${p.name}@${p.version}`);
}

const RULE = "=".repeat(78);

/**
 * The file's text. Identical licence texts (most OpenTelemetry packages ship
 * the same Apache-2.0 file) are written once, after the list of packages
 * they belong to; every NOTICE is written with its package's name.
 */
export function renderThirdPartyLicenses(ownName: string, packages: readonly LicensedPackage[]): string {
  const byText = new Map<string, LicensedPackage[]>();
  for (const p of packages) {
    for (const licence of p.licences) {
      if (!byText.has(licence.text)) byText.set(licence.text, []);
      if (!byText.get(licence.text)!.includes(p)) byText.get(licence.text)!.push(p);
    }
  }
  const id = (p: LicensedPackage) => `${p.name}@${p.version}`;
  const lines = [
    `Third-party software bundled in ${ownName}`,
    "",
    `The files in dist/ contain code from the ${packages.length} packages below, each under its own`,
    "licence. Their licence texts and NOTICE files follow, copied from the packages",
    "themselves when this package was built (scripts/third-party-licenses.ts).",
    "",
    ...packages.map((p) => `  ${id(p).padEnd(60)} ${p.declared}`),
  ];
  let n = 0;
  for (const [text, owners] of byText) {
    n += 1;
    lines.push("", RULE, `Licence text ${n}, for:`, ...owners.map((p) => `  ${id(p)}`), RULE, "", text);
  }
  for (const p of packages) {
    for (const notice of p.notices) lines.push("", RULE, `${notice.file} of ${id(p)}`, RULE, "", notice.text);
  }
  return `${lines.join("\n")}\n`;
}

export interface GenerateOptions {
  /** Where the metafiles are (default: this build's, scripts/bundle-contents.ts). */
  records?: string;
  /** What the metafiles' paths are relative to (default: the repository). */
  root?: string;
  output?: string;
}

/** Reads the bundled packages' licences and writes the file; throws, naming them, when some have none. */
export function writeThirdPartyLicenses(options: GenerateOptions = {}): LicensedPackage[] {
  const root = options.root ?? ROOT;
  const own = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string };
  const packages = bundledPackages(readBundleRecords(options.records))
    .map((bundled) => readLicensedPackage(bundled, root))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version, undefined, { numeric: true }));
  const missing = withoutLicence(packages);
  if (missing.length > 0) {
    throw new Error(`bundled packages without a licence file or README licence section (their code must not ship without it): ${missing.join(", ")}`);
  }
  writeFileSync(options.output ?? OUTPUT, renderThirdPartyLicenses(own.name, packages));
  return packages;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packages = writeThirdPartyLicenses();
  process.stdout.write(`${path.relative(ROOT, OUTPUT)}: licences of ${packages.length} bundled packages\n`);
}
