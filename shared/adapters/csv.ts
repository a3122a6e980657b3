/**
 * CSV as RFC 4180 writes it: fields separated by commas, quoted with double quotes when they hold a
 * comma, a quote (doubled) or a line break; records end with LF or CRLF. Yields each record with
 * the line number it starts on (a quoted line break spans lines).
 */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[] }> {
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    for (;;) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === '\n') line++;
          field += c;
          i++;
        }
        continue;
      }
      if (c === '"' && field === '') {
        quoted = true;
        i++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\r' && text[i + 1] === '\n') {
        i++;
      } else if (c === '\n') {
        fields.push(field);
        i++;
        line++;
        break;
      } else {
        field += c;
        i++;
      }
    }
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === '') continue;
    yield { line: startLine, fields };
  }
}
