// Bundles src/main.jsx with esbuild into ../assets/:
//
//	graphiql-<hash>.js    the page's one script (React, GraphiQL, explorer)
//	graphiql-<hash>.css   its one style sheet
//	<sha256>.woff2        the fonts (and images) that graphiql's CSS inlines
//	                      as data: URLs, moved into files so that the browser
//	                      loads only the unicode ranges it needs and the CSP
//	                      needs no data: source
//	LICENSES.txt          the licenses of every bundled package
//
// The output depends only on package-lock.json and src/: no timestamps, no
// absolute paths, names from content hashes. Run through build.sh.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../assets');
const extracted = resolve(here, '.build/extracted');

const dataExt = {
  'font/woff2': '.woff2',
  'font/woff': '.woff',
  'image/png': '.png',
  'image/svg+xml': '.svg',
  'image/gif': '.gif',
};

// unInline rewrites url(data:<type>;base64,...) in the packages' CSS into
// url(<file>), the file named by the SHA-256 of its bytes.
const unInline = {
  name: 'un-inline-data-urls',
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, (args) => {
      let css = readFileSync(args.path, 'utf8');
      css = css.replace(
        /url\(\s*(["']?)data:([a-z0-9+\/.-]+);base64,([A-Za-z0-9+\/=]+)\1\s*\)/gi,
        (whole, _q, type, b64) => {
          const ext = dataExt[type.toLowerCase()];
          if (!ext) throw new Error(`${args.path}: unexpected data: URL of type ${type}`);
          const bytes = Buffer.from(b64, 'base64');
          const name = createHash('sha256').update(bytes).digest('hex').slice(0, 20) + ext;
          writeFileSync(join(extracted, name), bytes);
          return `url("${relative(dirname(args.path), join(extracted, name)).split(sep).join('/')}")`;
        },
      );
      return { contents: css, loader: 'css' };
    });
  },
};

rmSync(out, { recursive: true, force: true });
rmSync(extracted, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
mkdirSync(extracted, { recursive: true });

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { graphiql: 'src/main.jsx' },
  outdir: out,
  entryNames: '[name]-[hash]',
  assetNames: '[name]',
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  // graphiql-explorer is CommonJS and require()s graphql; everything else
  // imports its ES module. One copy of graphql, or its instanceof checks fail.
  mainFields: ['module', 'main'],
  loader: { '.woff2': 'file', '.woff': 'file', '.png': 'file', '.svg': 'file', '.gif': 'file' },
  legalComments: 'none', // LICENSES.txt has them all
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
  plugins: [unInline],
});

// Packages that must be bundled once: React's hooks and contexts, graphql's
// instanceof checks and GraphiQL's stores break with two copies. (Small
// helpers like clsx may come in two major versions.)
const singletons = ['react', 'react-dom', 'scheduler', 'graphql', '@graphiql/react', '@graphiql/toolkit', 'zustand', 'codemirror'];
const inputs = Object.keys(result.metafile.inputs);
const versions = new Map();
for (const input of inputs) {
  const m = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//);
  if (!m) continue;
  const [, dir, name] = m;
  const seen = versions.get(name) ?? new Set();
  seen.add(dir);
  versions.set(name, seen);
}
for (const [name, dirs] of versions) {
  if (dirs.size > 1 && singletons.includes(name)) throw new Error(`${name} is bundled from ${[...dirs].join(' and ')}`);
  if (dirs.size > 1) console.log(`note: ${name} bundled from ${[...dirs].join(' and ')}`);
}
const graphqlFiles = inputs.filter((f) => /node_modules\/graphql\/.*\.js$/.test(f));
if (graphqlFiles.length) throw new Error(`graphql bundled as CommonJS too: ${graphqlFiles.slice(0, 3)}`);

// LICENSES.txt: each bundled package's name, version and license text.
let licenses = '';
for (const name of [...versions.keys()].sort()) {
  for (const rel of [...versions.get(name)].sort()) {
    const dir = join(here, rel);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).sort().find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
    licenses += `${'='.repeat(78)}\n${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})\n${'='.repeat(78)}\n`;
    licenses += file ? readFileSync(join(dir, file), 'utf8').trim() + '\n\n' : '(no license file in the package)\n\n';
  }
}
writeFileSync(join(out, 'LICENSES.txt'), licenses);

if (process.env.METAFILE) writeFileSync(process.env.METAFILE, JSON.stringify(result.metafile));
for (const [file, { bytes }] of Object.entries(result.metafile.outputs).sort()) {
  console.log(`${String(bytes).padStart(9)}  ${relative(here, file)}`);
}
