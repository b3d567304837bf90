import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationFailedError } from '../../../../libs/domain/src/index.js';
import { languageOf, type Language } from './problem-language.js';

/**
 * Any list the API answers, as a file (issue 21, point 3): CSV in UTF-8 with a byte-order mark (so
 * spreadsheet programs read Chinese right) and XLSX with numbers stored as numbers — amounts as
 * numbers with two decimals shown. Headers are Chinese or English (`lang`, else Accept-Language).
 * The cells are the JSON answer's own values, so a file never says anything the JSON does not.
 */
export type FileFormat = 'csv' | 'xlsx';

export interface Column<T> {
  readonly zh: string;
  readonly en: string;
  /** `money`: a yuan decimal string in JSON, a number in XLSX; `number`: a number; `text`: as is. */
  readonly type?: 'text' | 'number' | 'money';
  readonly value: (row: T) => string | number | null | undefined;
}

/** The file format asked for (`format=csv|xlsx`), or undefined for JSON; and the header language. */
export function fileRequest(request: FastifyRequest, raw: { format?: string; lang?: string }, fallback: Language): { format?: FileFormat; language: Language } {
  if (raw.format !== undefined && !['json', 'csv', 'xlsx'].includes(raw.format)) throw ValidationFailedError.field('format', 'must be json, csv or xlsx');
  if (raw.lang !== undefined && raw.lang !== 'zh' && raw.lang !== 'en') throw ValidationFailedError.field('lang', 'must be zh or en (the language of the column headers)');
  const language = (raw.lang as Language | undefined) ?? languageOf(request.headers['accept-language'], fallback);
  return { ...(raw.format === 'csv' || raw.format === 'xlsx' ? { format: raw.format } : {}), language };
}

/** Writes rows as a CSV or XLSX download named `name` (ASCII letters, digits, dots and dashes). */
export async function sendFile<T>(reply: FastifyReply, format: FileFormat, name: string, language: Language, columns: readonly Column<T>[], rows: readonly T[]): Promise<Buffer | string> {
  const headers = columns.map((c) => (language === 'zh' ? c.zh : c.en));
  const safe = name.replace(/[^A-Za-z0-9.-]/g, '-');
  if (format === 'csv') {
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${safe}.csv"`);
    return `\uFEFF${stringify([headers, ...rows.map((row) => columns.map((c) => c.value(row) ?? ''))])}`;
  }
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Fuju Ledger';
  const sheet = workbook.addWorksheet(safe.slice(0, 31) || 'data');
  sheet.addRow(headers);
  for (const row of rows)
    sheet.addRow(
      columns.map((c) => {
        const v = c.value(row);
        if (v === null || v === undefined || v === '') return null;
        return c.type === 'money' || c.type === 'number' ? Number(v) : v;
      }),
    );
  columns.forEach((c, i) => {
    if (c.type === 'money') sheet.getColumn(i + 1).numFmt = '#,##0.00';
  });
  reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="${safe}.xlsx"`);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
