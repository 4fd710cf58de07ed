// Short names for the main module's imports from its wasm-bindgen glue (issue 12). wasm-bindgen
// names each one `__wbg_<function>_<16 hex digits>`, and the main module imports every browser
// function the whole app calls (the later module reaches them through it): 249 names, about
// 14 KB in the module and again in the glue, and their hashes do not compress. Renamed in the
// module's import section and in the glue's import object, both at once; the build fails if
// the two do not match name for name.

/** An unsigned LEB128 at `pos`: [value, next position]. */
function readLeb(buf, pos) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, pos];
}

function leb(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

function name(buf, pos) {
  const [len, at] = readLeb(buf, pos);
  return [text.decode(buf.subarray(at, at + len)), at + len];
}

function encodeName(s) {
  const bytes = utf8.encode(s);
  return [...leb(bytes.length), ...bytes];
}

/** `a`, `b`, … `Z`, `aa`, `ab`, …: never a name the glue already uses for something else. */
function short(i) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s = letters[i % letters.length] + s;
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return `_${s}`;
}

/** The import section's entries, with where each one's descriptor ends. */
function imports(buf, start, end) {
  let [count, pos] = readLeb(buf, start);
  const list = [];
  for (let i = 0; i < count; i++) {
    const [module, p1] = name(buf, pos);
    const [field, p2] = name(buf, p1);
    const kind = buf[p2];
    let p = p2 + 1;
    const limits = () => {
      const flags = buf[p++];
      [, p] = readLeb(buf, p);
      if (flags & 1) [, p] = readLeb(buf, p);
    };
    if (kind === 0) [, p] = readLeb(buf, p);
    else if (kind === 1) {
      p += 1;
      limits();
    } else if (kind === 2) limits();
    else if (kind === 3) p += 2;
    else if (kind === 4) [, p] = readLeb(buf, p + 1);
    else throw new Error(`import ${module}.${field}: unknown kind ${kind}`);
    list.push({ module, field, desc: buf.subarray(p2, p) });
    pos = p;
  }
  if (pos !== end) throw new Error("the import section did not parse to its end");
  return list;
}

/**
 * Renames the imports of `glueModule` in `wasm` (a Buffer) and in `glue` (the wasm-bindgen JS).
 * Returns { wasm, glue }.
 */
export function shortImports(wasm, glue, glueModule) {
  const buf = new Uint8Array(wasm);
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos];
    const [size, start] = readLeb(buf, pos + 1);
    const end = start + size;
    if (id === 2) {
      const list = imports(buf, start, end);
      const renamed = new Map();
      const entries = [];
      for (const imp of list) {
        let { module, field } = imp;
        if (module === glueModule) {
          if (!renamed.has(field)) renamed.set(field, short(renamed.size));
          module = "a";
          field = renamed.get(field);
        }
        entries.push(...encodeName(module), ...encodeName(field), ...imp.desc);
      }
      const payload = [...leb(list.length), ...entries];
      const section = [2, ...leb(payload.length), ...payload];
      const out = Buffer.concat([
        Buffer.from(buf.subarray(0, pos)),
        Buffer.from(section),
        Buffer.from(buf.subarray(end)),
      ]);
      let js = glue;
      for (const [from, to] of renamed) {
        const key = new RegExp(`^(\\s+)${from}(: function\\b)`, "m");
        if (!key.test(js)) throw new Error(`the glue does not define import ${from}`);
        js = js.replace(key, `$1${to}$2`);
      }
      const moduleKey = `"${glueModule}": import0`;
      if (!js.includes(moduleKey)) throw new Error(`the glue's imports are not under ${moduleKey}`);
      js = js.replace(moduleKey, "a: import0");
      return { wasm: out, glue: js };
    }
    pos = end;
  }
  throw new Error("the module has no import section");
}
