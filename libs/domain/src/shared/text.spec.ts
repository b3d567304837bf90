import { EXPLANATION_MIN_WEIGHT, REASON_MIN_WEIGHT, controlCharacterProblem, nameProblem, normaliseText, substantiveTextProblem, SUBSTANTIVE_TEXT_RULE } from './text.js';

describe(`the substantive-text rule (version ${SUBSTANTIVE_TEXT_RULE.version})`, () => {
  it('is version 2', () => expect(SUBSTANTIVE_TEXT_RULE).toEqual({ id: 'substantive-text', version: 2 }));

  const explanations: [string, boolean][] = [
    // refused: placeholders, repeated or padded, and too little content
    ['核实无误', false],
    ['核实无误核实无误核实无误', false],
    ['数据已核实无误。。。。。。', false],
    ['  核实 无误 ！！！', false],
    ['数据属实，数据属实，数据属实', false],
    ['经核实，情况属实，没有问题。', false],
    ['正常正常正常正常正常正常', false],
    ['ok', false],
    ['OK OK OK OK OK OK OK', false],
    ['okokokokokokokokok', false],
    ['data is correct and verified', false],
    ['asdfasdfasdfasdf', false],
    ['…………………………', false],
    ['收入增加', false],
    ['哈哈哈哈哈哈哈哈哈哈', false],
    ['abcabcabcabcabcabc', false],
    // accepted: a reason for the change
    ['本月补缴以前年度企业所得税，税金高于收入。', true],
    ['本月订单结构变化较大，数据已与财务报表核对一致，属实。', true],
    ['新签两家医院的轮椅订单，收入翻倍', true],
    ['春节停产一个月', true],
    ['A new hospital contract doubled our wheelchair sales', true],
    ['financial year-end adjustment', true],
  ];
  it.each(explanations)('explanation %j accepted: %s', (text, accepted) => {
    expect(substantiveTextProblem(text, EXPLANATION_MIN_WEIGHT) === undefined).toBe(accepted);
  });

  const reasons: [string, boolean][] = [
    ['x', false],
    ['xxxx', false],
    ['无', false],
    ['。。。', false],
    ['ok', false],
    ['abab', false],
    ['撤点', true],
    ['注销', true],
    ['更正收入数据口径', true],
    ['bench correction', true],
    ['typo', true],
  ];
  it.each(reasons)('reason %j accepted: %s', (text, accepted) => {
    expect(substantiveTextProblem(text, REASON_MIN_WEIGHT) === undefined).toBe(accepted);
  });

  it('refuses control characters and bidirectional overrides in free text, keeps line breaks', () => {
    expect(substantiveTextProblem('春节停产一个月\u0000', EXPLANATION_MIN_WEIGHT)).toBe('must not contain control characters');
    expect(substantiveTextProblem('春节停产\u202E一个月', EXPLANATION_MIN_WEIGHT)).toBe('must not contain bidirectional control characters');
    expect(substantiveTextProblem('春节停产\n一个月', EXPLANATION_MIN_WEIGHT)).toBeUndefined();
  });
});

describe('names', () => {
  it.each([
    ['杭州康复器具有限公司', undefined],
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['杭州\u0000康复', 'must not contain control characters'],
    ['杭州\n康复', 'must not contain control characters'],
    ['\u202Eevil', 'must not contain bidirectional control characters'],
    ['a\u2066b', 'must not contain bidirectional control characters'],
    ['名'.repeat(201), 'must be at most 200 characters'],
  ])('%j → %s', (name, problem) => expect(nameProblem(name)).toBe(problem));

  it('NFC-normalises: a decomposed é equals the composed one', () => {
    expect(normaliseText(' Cafe\u0301 ')).toBe('Caf\u00e9');
    expect(controlCharacterProblem('Caf\u00e9')).toBeUndefined();
  });
});
