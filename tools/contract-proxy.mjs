#!/usr/bin/env node
// A validating reverse proxy: forwards everything to --upstream, and checks every request and
// answer under the spec's server prefix (/api) against openapi.yaml. Used by the end-to-end
// tests (tests/support/backend.rs) and by `make test-browser` (tools/with-contract-proxy.sh).
//
//   node tools/contract-proxy.mjs --upstream http://127.0.0.1:8081 [--spec openapi.yaml]
//        [--listen 127.0.0.1:0] [--violations FILE]
//
// Prints `contract-proxy listening on http://ADDR` as its first stdout line. Each violation is
// one JSON line appended to FILE (and a line on stderr). What is checked:
// - requests: a known operation; path and query parameters against their schemas (no unknown
//   or repeated query parameters); the body against the request schema, strictly (no property
//   the contract does not name), and no body where the operation takes none;
// - answers: a declared status; a declared media type; the body against its schema (extra
//   properties allowed: backends may add fields); declared headers (Retry-After).
// Not checked: requests carrying `X-Fault` (the reference backend's per-request fault injection
// answers deliberately broken bodies and statuses), the reference backend's test hooks outside
// the contract (`/api/__test/…`), CORS preflights (OPTIONS), paths outside /api.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { load as parseYaml } from 'js-yaml';

const args = parseArgs(process.argv.slice(2));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const specPath = args.spec ?? path.join(root, 'openapi.yaml');
const upstream = new URL(args.upstream ?? die('--upstream URL is required'));
const [listenHost, listenPort] = (args.listen ?? '127.0.0.1:0').split(':');
const violationsFile = args.violations;

const contract = loadContract(specPath);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let checked = 0;
let violations = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://proxy');
  const apiPath = stripPrefix(url.pathname, contract.prefix);
  const validate = apiPath !== null && !apiPath.startsWith('/__') && req.method !== 'OPTIONS' && !req.headers['x-fault'];
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('error', () => {});
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const op = validate ? contract.find(req.method, apiPath) : null;
    if (validate) {
      checked += 1;
      const errors = op ? checkRequest(op, url, req.headers, body) : [`no operation ${req.method} ${apiPath} in the contract`];
      if (errors.length) record('request', req, url, null, errors);
    }
    const headers = { ...req.headers, host: upstream.host };
    const up = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      (upRes) => {
        if (!op) {
          res.writeHead(upRes.statusCode, upRes.rawHeaders);
          upRes.pipe(res);
          return;
        }
        const out = [];
        upRes.on('data', (c) => out.push(c));
        upRes.on('error', () => res.destroy());
        upRes.on('end', () => {
          const answer = Buffer.concat(out);
          const errors = checkResponse(op, upRes.statusCode, upRes.headers, answer);
          if (errors.length) record('response', req, url, upRes.statusCode, errors, answer);
          res.writeHead(upRes.statusCode, [...withoutFraming(upRes.rawHeaders), 'Content-Length', String(answer.length)]);
          res.end(answer);
        });
      },
    );
    up.on('error', (e) => {
      console.error(`contract-proxy: upstream ${req.method} ${req.url}: ${e.message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`contract-proxy: upstream unreachable: ${e.message}`);
    });
    up.end(body);
  });
  res.on('error', () => {});
});

server.listen(Number(listenPort), listenHost, () => {
  const a = server.address();
  console.log(`contract-proxy listening on http://${a.address}:${a.port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    console.error(`contract-proxy: ${checked} API exchanges checked, ${violations} violations`);
    process.exit(0);
  });
}

function record(phase, req, url, status, errors, answer) {
  violations += 1;
  const v = {
    phase,
    method: req.method,
    path: url.pathname + url.search,
    ...(status === null ? {} : { status }),
    errors,
    ...(answer ? { body: answer.toString('utf8').slice(0, 300) } : {}),
  };
  const line = JSON.stringify(v);
  console.error(`contract-proxy: violation: ${line}`);
  if (violationsFile) fs.appendFileSync(violationsFile, line + '\n');
}

// ---- checks ----

function checkRequest(op, url, headers, body) {
  const errors = [];
  for (const p of op.parameters.filter((p) => p.in === 'path')) {
    let v = op.pathValues[p.name] ?? '';
    try {
      v = decodeURIComponent(v);
    } catch {
      errors.push(`path parameter ${p.name} is not percent-encoded UTF-8`);
    }
    errors.push(...run(p.validate, v, `path parameter ${p.name}`));
  }
  const query = op.parameters.filter((p) => p.in === 'query');
  const seen = new Set();
  for (const [name, raw] of url.searchParams) {
    const p = query.find((q) => q.name === name);
    if (!p) errors.push(`query parameter ${name} is not in the contract`);
    else if (seen.has(name)) errors.push(`query parameter ${name} is repeated`);
    else errors.push(...run(p.validate, coerce(raw, p.schema), `query parameter ${name}`));
    seen.add(name);
  }
  for (const p of query.filter((p) => p.required && !seen.has(p.name))) {
    errors.push(`query parameter ${p.name} is required`);
  }
  const type = mediaType(headers['content-type']);
  if (!op.requestBody) {
    if (body.length) errors.push(`a body (${body.length} bytes) where the operation takes none`);
    if (type) errors.push(`Content-Type ${type} where the operation takes no body`);
    return errors;
  }
  if (!body.length) {
    if (op.requestBody.required) errors.push('the request body is missing');
    return errors;
  }
  const media = op.requestBody.content[type];
  if (!media) return [...errors, `request Content-Type ${type ?? '(none)'} is not one of ${Object.keys(op.requestBody.content)}`];
  const json = parseJson(body);
  if (json.error) return [...errors, `request body is not JSON: ${json.error}`];
  return [...errors, ...run(media.validate, json.value, 'request body')];
}

function checkResponse(op, status, headers, body) {
  const r = op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
  if (!r) return [`status ${status} is not declared (declared: ${Object.keys(op.responses).join(', ')})`];
  const errors = [];
  for (const h of r.headers) {
    const v = headers[h.name.toLowerCase()];
    if (v === undefined) {
      if (h.required) errors.push(`header ${h.name} is missing`);
    } else {
      errors.push(...run(h.validate, coerce(v, h.schema), `header ${h.name}`));
    }
  }
  const type = mediaType(headers['content-type']);
  if (!r.content) {
    if (body.length) errors.push(`a body where status ${status} declares none`);
    return errors;
  }
  const media = r.content[type];
  if (!media) return [...errors, `Content-Type ${type ?? '(none)'} is not one of ${Object.keys(r.content)}`];
  const json = parseJson(body);
  if (json.error) return [...errors, `body is not JSON: ${json.error}`];
  return [...errors, ...run(media.validate, json.value, 'body')];
}

/** Raw headers without those that frame the body (the proxy sends it whole, with a length). */
function withoutFraming(raw) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!/^(content-length|transfer-encoding|connection|keep-alive)$/i.test(raw[i])) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

function run(validate, value, what) {
  if (validate(value)) return [];
  return validate.errors.map((e) => `${what}${e.instancePath || ''}: ${e.message}${extra(e)}`);
}

function extra(e) {
  if (e.keyword === 'enum') return ` (${e.params.allowedValues.join(', ')})`;
  if (e.keyword === 'unevaluatedProperties') return ` (${e.params.unevaluatedProperty})`;
  if (e.keyword === 'additionalProperties') return ` (${e.params.additionalProperty})`;
  return '';
}

function coerce(raw, schema) {
  const t = schema?.type;
  if (t === 'integer' || t === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (t === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

function mediaType(h) {
  return h ? h.split(';')[0].trim().toLowerCase() : undefined;
}

function parseJson(buf) {
  try {
    return { value: JSON.parse(buf.toString('utf8')) };
  } catch (e) {
    return { error: e.message };
  }
}

function stripPrefix(p, prefix) {
  if (p === prefix) return '/';
  return p.startsWith(prefix + '/') ? p.slice(prefix.length) : null;
}

// ---- the contract, compiled ----

function loadContract(file) {
  const spec = parseYaml(fs.readFileSync(file, 'utf8'));
  const prefix = new URL(spec.servers?.[0]?.url ?? '/', 'http://x').pathname.replace(/\/$/, '');
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  const schemas = spec.components?.schemas ?? {};
  // Answers: backends may add properties. Requests: exactly what the contract names.
  ajv.addSchema({ $id: 'contract', $defs: rewriteRefs(schemas, 'contract') });
  ajv.addSchema({ $id: 'contract-strict', $defs: strict(rewriteRefs(schemas, 'contract-strict')) });
  // Compiled on first use and shared (most answers are the same Problem): starts in ~0.2 s.
  const cache = new Map();
  const compile = (schema, id) => {
    const key = id + JSON.stringify(schema ?? {});
    let fn = null;
    const validate = (value) => {
      if (!fn) {
        fn = cache.get(key) ?? ajv.compile(schema ? rewriteRefs(schema, id) : {});
        cache.set(key, fn);
      }
      const ok = fn(value);
      validate.errors = fn.errors;
      return ok;
    };
    return validate;
  };
  const resolve = (o) => {
    let x = o;
    while (x && x.$ref) x = x.$ref.split('/').slice(1).reduce((a, k) => a[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
    return x;
  };
  const ops = [];
  for (const [template, item] of Object.entries(spec.paths ?? {})) {
    const names = [];
    const re = new RegExp(
      '^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => (names.push(n), '([^/]+)')) + '$',
    );
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head']) {
      const o = item[method];
      if (!o) continue;
      const parameters = [...(item.parameters ?? []), ...(o.parameters ?? [])].map(resolve).map((p) => ({
        ...p,
        validate: compile(p.schema, 'contract'),
      }));
      const rb = resolve(o.requestBody);
      const requestBody = rb && {
        required: !!rb.required,
        content: Object.fromEntries(
          Object.entries(rb.content ?? {}).map(([t, m]) => [t, { validate: compile(strict(structuredClone(m.schema)), 'contract-strict') }]),
        ),
      };
      const responses = Object.fromEntries(
        Object.entries(o.responses ?? {}).map(([code, r0]) => {
          const r = resolve(r0);
          return [
            code,
            {
              headers: Object.entries(r.headers ?? {}).map(([name, h0]) => {
                const h = resolve(h0);
                return { name, required: !!h.required, schema: h.schema, validate: compile(h.schema, 'contract') };
              }),
              content:
                r.content &&
                Object.fromEntries(Object.entries(r.content).map(([t, m]) => [t, { validate: compile(m.schema, 'contract') }])),
            },
          ];
        }),
      );
      ops.push({ method: method.toUpperCase(), template, re, names, parameters, requestBody, responses });
    }
  }
  // Literal paths before templated ones: /a/b wins over /a/{id}.
  ops.sort((a, b) => a.names.length - b.names.length);
  return {
    prefix,
    find(method, p) {
      for (const op of ops) {
        if (op.method !== method) continue;
        const m = op.re.exec(p);
        if (m) return { ...op, pathValues: Object.fromEntries(op.names.map((n, i) => [n, m[i + 1]])) };
      }
      return null;
    },
  };
}

/** `#/components/schemas/X` → `ID#/$defs/X`, everywhere in a copy of `value`. */
function rewriteRefs(value, id) {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, id));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', `${id}#/$defs/`) : rewriteRefs(v, id),
    ]),
  );
}

/** Every object schema that names its properties allows no others (for requests). */
function strict(value) {
  if (Array.isArray(value)) return value.map(strict);
  if (!value || typeof value !== 'object') return value;
  const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
  if (out.type === 'object' && out.properties && !('additionalProperties' in out) && !('unevaluatedProperties' in out)) {
    out.unevaluatedProperties = false;
  }
  return out;
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const m = /^--([a-z-]+)$/.exec(argv[i]);
    if (!m || i + 1 >= argv.length) die(`unexpected argument ${argv[i]}`);
    out[m[1]] = argv[(i += 1)];
  }
  return out;
}

function die(msg) {
  console.error(`contract-proxy: ${msg}`);
  process.exit(2);
}
