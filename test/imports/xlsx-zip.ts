// Hand-made XLSX files for the reader's tests: any XML, stored or deflated, with sizes that may lie.
import zlib from 'node:zlib';

export interface ZipPart {
  name: string;
  data: string | Buffer;
  /** The inflated size the central directory declares (a « zip bomb » may lie about it). */
  declaredSize?: number;
  stored?: boolean;
}

export function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const raw = Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data, 'utf8');
    const data = p.stored ? raw : zlib.deflateRawSync(raw);
    const name = Buffer.from(p.name, 'utf8');
    const crc = zlib.crc32(raw);
    const size = p.declaredSize ?? raw.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(p.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(p.stored ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(parts.length, 8);
  eocd.writeUInt16LE(parts.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

const NS =
  'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A workbook of one sheet whose `<sheetData>` is given, with shared strings and styles if given. */
export function workbook(
  sheetData: string,
  opts: {
    shared?: string[] | string | Buffer;
    styles?: string;
    date1904?: boolean;
    sharedDeclaredSize?: number;
    sheetDeclaredSize?: number;
  } = {},
): Buffer {
  const shared =
    typeof opts.shared === 'string' || Buffer.isBuffer(opts.shared)
      ? opts.shared
      : opts.shared
        ? `<sst ${NS} count="${opts.shared.length}" uniqueCount="${opts.shared.length}">${opts.shared.map((s) => `<si><t xml:space="preserve">${s}</t></si>`).join('')}</sst>`
        : null;
  const rels = [
    `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>`,
    shared ? `<Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : '',
    opts.styles ? `<Relationship Id="rId3" Type="${REL}/styles" Target="styles.xml"/>` : '',
  ].join('');
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0"?><workbook ${NS}>${opts.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets><sheet name="Import" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`,
    },
    {
      name: 'xl/worksheets/sheet1.xml',
      data: `<?xml version="1.0"?><worksheet ${NS}><sheetData>${sheetData}</sheetData></worksheet>`,
      declaredSize: opts.sheetDeclaredSize,
    },
  ];
  if (shared) parts.push({ name: 'xl/sharedStrings.xml', data: shared, declaredSize: opts.sharedDeclaredSize });
  if (opts.styles) parts.push({ name: 'xl/styles.xml', data: opts.styles });
  return zip(parts);
}

/** Shared strings of one huge cell, built as bytes (no string of that size in the test process). */
export function oneHugeString(bytes: number): Buffer {
  return Buffer.concat([Buffer.from('<sst><si><t>'), Buffer.alloc(bytes, 'A'), Buffer.from('</t></si></sst>')]);
}
