/**
 * A small decoder of OTLP `ExportTraceServiceRequest` protobuf bodies (opentelemetry-proto trace/v1), into the
 * shape of OTLP JSON (hex ids, string nanoseconds), so the receiver treats both encodings alike. Only the fields
 * the tests read: resource attributes, and per span its ids, name, kind, times, attributes, links and status.
 * (@opentelemetry/otlp-transformer ships a writer, not a reader of requests; protobufjs is not installed.)
 */
type Json = Record<string, unknown>;

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array, private readonly end = buf.length) {}
  more(): boolean { return this.pos < this.end; }
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  }
  bytes(): Uint8Array {
    const length = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
  fixed64(): bigint {
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getBigUint64(0, true);
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  /** Each field of the message: its number, wire type, and a reader positioned at its value. */
  *fields(): Generator<[number, number]> {
    while (this.more()) {
      const tag = Number(this.varint());
      yield [tag >>> 3, tag & 7];
    }
  }
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function message(bytes: Uint8Array, read: (r: Reader, field: number, wire: number) => boolean): void {
  const r = new Reader(bytes);
  for (const [field, wire] of r.fields()) if (!read(r, field, wire)) r.skip(wire);
}

function anyValue(bytes: Uint8Array): Json {
  let value: Json = {};
  message(bytes, (r, f, w) => {
    if (f === 1 && w === 2) value = { stringValue: text(r.bytes()) };
    else if (f === 2 && w === 0) value = { boolValue: r.varint() !== 0n };
    else if (f === 3 && w === 0) value = { intValue: BigInt.asIntN(64, r.varint()).toString() };
    else if (f === 4 && w === 1) { const v = new DataView(new ArrayBuffer(8)); v.setBigUint64(0, r.fixed64(), true); value = { doubleValue: v.getFloat64(0, true) }; }
    else if (f === 5 && w === 2) { const values: Json[] = []; message(r.bytes(), (a, af, aw) => (af === 1 && aw === 2 ? (values.push(anyValue(a.bytes())), true) : false)); value = { arrayValue: { values } }; }
    else return false;
    return true;
  });
  return value;
}

function keyValue(bytes: Uint8Array): Json {
  const kv: Json = {};
  message(bytes, (r, f, w) => {
    if (f === 1 && w === 2) kv.key = text(r.bytes());
    else if (f === 2 && w === 2) kv.value = anyValue(r.bytes());
    else return false;
    return true;
  });
  return kv;
}

function span(bytes: Uint8Array): Json {
  const s: Json = { attributes: [] as Json[], links: [] as Json[] };
  message(bytes, (r, f, w) => {
    if (w === 2 && (f === 1 || f === 2 || f === 4)) s[f === 1 ? "traceId" : f === 2 ? "spanId" : "parentSpanId"] = hex(r.bytes());
    else if (f === 5 && w === 2) s.name = text(r.bytes());
    else if (f === 6 && w === 0) s.kind = Number(r.varint());
    else if ((f === 7 || f === 8) && w === 1) s[f === 7 ? "startTimeUnixNano" : "endTimeUnixNano"] = r.fixed64().toString();
    else if (f === 9 && w === 2) (s.attributes as Json[]).push(keyValue(r.bytes()));
    else if (f === 13 && w === 2) {
      const link: Json = {};
      message(r.bytes(), (l, lf, lw) => (lw === 2 && (lf === 1 || lf === 2) ? ((link[lf === 1 ? "traceId" : "spanId"] = hex(l.bytes())), true) : false));
      (s.links as Json[]).push(link);
    } else if (f === 15 && w === 2) {
      const status: Json = {};
      message(r.bytes(), (st, sf, sw) => (sf === 2 && sw === 2 ? ((status.message = text(st.bytes())), true) : sf === 3 && sw === 0 ? ((status.code = Number(st.varint())), true) : false));
      s.status = status;
    } else return false;
    return true;
  });
  return s;
}

/** An `ExportTraceServiceRequest` as OTLP JSON. */
export function decodeTraceRequest(body: Uint8Array): Json {
  const resourceSpans: Json[] = [];
  message(body, (r, f, w) => {
    if (f !== 1 || w !== 2) return false;
    const rs: Json = { resource: { attributes: [] as Json[] }, scopeSpans: [] as Json[] };
    message(r.bytes(), (rr, rf, rw) => {
      if (rf === 1 && rw === 2) message(rr.bytes(), (res, resf, resw) => (resf === 1 && resw === 2 ? (((rs.resource as Json).attributes as Json[]).push(keyValue(res.bytes())), true) : false));
      else if (rf === 2 && rw === 2) {
        const spans: Json[] = [];
        message(rr.bytes(), (ss, sf, sw) => (sf === 2 && sw === 2 ? (spans.push(span(ss.bytes())), true) : false));
        (rs.scopeSpans as Json[]).push({ spans });
      } else return false;
      return true;
    });
    resourceSpans.push(rs);
    return true;
  });
  return { resourceSpans };
}
