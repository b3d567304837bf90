/**
 * Free text that people write into the record: names, titles, reasons and soft-edit explanations.
 *
 * Every such text is stored NFC-normalised and trimmed, and none may carry control characters
 * (U+0000–U+001F, U+007F–U+009F; tab and line breaks only in multi-line text) or the invisible
 * bidirectional controls that make a name display differently from what it is (U+061C, U+200E,
 * U+200F, U+202A–U+202E, U+2066–U+2069).
 */

const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const CONTROLS_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F]/u;
const CONTROLS_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;

/** NFC-normalised and trimmed. */
export function normaliseText(value: string): string {
  return value.normalize('NFC').trim();
}

/** Why a text carries characters that may not be stored, or undefined. */
export function controlCharacterProblem(value: string, multiLine = false): string | undefined {
  if ((multiLine ? CONTROLS_MULTI_LINE : CONTROLS_SINGLE_LINE).test(value)) return 'must not contain control characters';
  if (BIDI_CONTROLS.test(value)) return 'must not contain bidirectional control characters';
  return undefined;
}

/** Why a name or title is not acceptable (empty, too long, control characters), or undefined. */
export function nameProblem(value: unknown, max = 200): string | undefined {
  if (typeof value !== 'string' || normaliseText(value) === '') return 'must not be empty';
  if ([...normaliseText(value)].length > max) return `must be at most ${max} characters`;
  return controlCharacterProblem(value);
}

/**
 * The substantive-text rule, version 2 (version 1 only trimmed trailing punctuation and compared
 * with a list, so `核实无误核实无误核实无误` or `数据已核实无误。。。。。。` passed):
 * 1. NFC-normalise, lower-case, drop white space, punctuation and symbols;
 * 2. a text that is one unit repeated (`核实无误核实无误`, `okokok`) counts as that unit once;
 * 3. words that only assert correctness (核实, 无误, 属实, 确认, 正常, 数据, ok, verified, …) are
 *    not content: what remains must weigh at least the rule's minimum, a Han character (or another
 *    ideograph) weighing 2 and any other letter or digit 1, with at least three distinct characters.
 */
export const SUBSTANTIVE_TEXT_RULE = { id: 'substantive-text', version: 2 } as const;

/** Minimum weights: an explanation of a soft edit says why (6 Han characters, 12 letters); a reason names one (2 Han characters, 4 letters). */
export const EXPLANATION_MIN_WEIGHT = 12;
export const REASON_MIN_WEIGHT = 4;

/** Filler inside Chinese text (removed wherever it stands, longest first). */
const HAN_FILLERS = ['没有问题', '无问题', '没问题', '核实', '核对', '无误', '属实', '确认', '正常', '正确', '同上', '数据', '情况', '已经', '本月', '无', '已', '经', '的', '了', '是'].sort(
  (a, b) => b.length - a.length,
);
/** Filler words in Latin text (removed as whole words only, so "financial" keeps its "na"). */
const WORD_FILLERS =
  /\b(?:confirmed|confirm|verified|verify|checked|check|correct|no|comment|okay|ok|yes|none|n\/a|na|test|asdf|data|the|is|are|and|fine|good|accurate|true|right|all)\b/gu;

const isIdeograph = (c: string) => /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u.test(c);

/** Letters and digits only. */
function core(text: string): string {
  return text.replace(/[^\p{L}\p{N}]/gu, '');
}

/** The shortest unit the text is a repetition of (the text itself when it is none). */
function unitOf(text: string): string {
  const m = /^(.+?)\1+$/u.exec(text);
  return m ? m[1] : text;
}

function weight(text: string): number {
  let w = 0;
  for (const c of text) w += isIdeograph(c) ? 2 : 1;
  return w;
}

/** Why a text is not substantive under SUBSTANTIVE_TEXT_RULE for the given minimum weight, or undefined. */
export function substantiveTextProblem(text: unknown, minWeight: number): string | undefined {
  if (typeof text !== 'string' || normaliseText(text) === '') return 'must not be empty';
  const control = controlCharacterProblem(text, true);
  if (control) return control;
  let content = unitOf(core(text.normalize('NFC').toLowerCase().replace(WORD_FILLERS, ' ')));
  for (const filler of HAN_FILLERS) content = content.split(filler).join('');
  content = unitOf(content);
  const chars = [...content];
  if (weight(content) < minWeight || new Set(chars).size < Math.min(3, Math.ceil(minWeight / 2)))
    return minWeight >= EXPLANATION_MIN_WEIGHT
      ? 'must say why in a real sentence (at least 6 Chinese characters or 12 letters of content); placeholders such as "核实无误", repeated or padded, do not count'
      : 'must name a real reason (at least 2 Chinese characters or 4 letters of content)';
  return undefined;
}
