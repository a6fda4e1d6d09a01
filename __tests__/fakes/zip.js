// A minimal zip *writer* for the fakes: it can build the odd archives (bad CRC, unsafe names)
// that well-behaved libraries refuse to produce. The action itself reads zips with yauzl.
import * as zlib from 'node:zlib'

/**
 * @typedef {object} ZipEntrySpec
 * @property {string} name
 * @property {string | Buffer} data
 * @property {boolean} [store] store instead of deflate
 * @property {number} [crc] a CRC-32 to write instead of the real one (to fake corruption)
 * @property {number} [unixMode] file mode stored as made on Unix, e.g. 0o120777 for a symlink
 * @property {number} [shareWith] index of an earlier entry whose local header and data this
 *   entry's central record points at: the overlapping-entries zip bomb
 */

/**
 * @param {ZipEntrySpec[]} entries
 * @returns {Buffer}
 */
export function buildZip(entries) {
  /** @type {Buffer[]} */
  const parts = []
  /** @type {Buffer[]} */
  const central = []
  /** @type {{ offset: number, body: Buffer, data: Buffer, crc: number, method: number }[]} */
  const written = []
  let offset = 0
  for (const entry of entries) {
    const shared = entry.shareWith === undefined ? undefined : written[entry.shareWith]
    const data =
      shared?.data ?? (Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8'))
    const body = shared?.body ?? (entry.store ? data : zlib.deflateRawSync(data))
    const crc = shared?.crc ?? entry.crc ?? zlib.crc32(data)
    const name = Buffer.from(entry.name, 'utf8')
    const method = shared?.method ?? (entry.store ? 0 : 8)

    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(0, 10) // time and date
    local.writeUInt32LE(crc >>> 0, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)

    const header = Buffer.alloc(46)
    header.writeUInt32LE(0x02014b50, 0)
    header.writeUInt16LE(entry.unixMode === undefined ? 20 : (3 << 8) | 20, 4) // made by
    header.writeUInt16LE(20, 6)
    header.writeUInt16LE(0x0800, 8)
    header.writeUInt16LE(method, 10)
    header.writeUInt32LE(0, 12)
    header.writeUInt32LE(crc >>> 0, 16)
    header.writeUInt32LE(body.length, 20)
    header.writeUInt32LE(data.length, 24)
    header.writeUInt16LE(name.length, 28)
    header.writeUInt32LE(((entry.unixMode ?? 0) << 16) >>> 0, 38) // external attributes
    header.writeUInt32LE(shared?.offset ?? offset, 42)
    central.push(header, name)
    written.push({ offset: shared?.offset ?? offset, body, data, crc, method })
    if (shared) continue

    parts.push(local, name, body)
    offset += local.length + name.length + body.length
  }
  const centralBuffer = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(centralBuffer.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, centralBuffer, end])
}

/**
 * A tool export as Kore.ai ships it: the three JSON files.
 * @param {string} toolId
 * @returns {Buffer}
 */
export function sampleExport(toolId) {
  // Raw JSON text on purpose: big integers and trailing zeros must survive any re-formatting.
  return buildZip([
    {
      name: 'flow_definition.json',
      data: `{"toolId":"${toolId}","nodes":[{"id":"start","type":"start","next":"ai"},{"id":"ai","type":"aiNode","timeout":30,"prompt":"Say \\"hi\\" \\u00e9t\\u00e9"}],"hyperParameters":{"temperature":0.70,"maxTokens":12345678901234567890,"topP":1.50}}`
    },
    {
      name: 'app_definition.json',
      data: `{"name":"Tool ${toolId}","version":"1.50","guardrails":[]}`
    },
    {
      name: 'env_variables.json',
      data: '[{"key":"BASE_URL","value":"https://example.com","isSecured":false},{"key":"TOKEN","value":"secret-token","isSecured":true}]'
    }
  ])
}
