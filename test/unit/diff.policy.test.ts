import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  changedSectionTitles,
  diffPolicyTexts,
  type PolicyDiff,
  splitSections,
  unifiedDiff,
} from '../../functions/domain/diff/index';
import { internLines, lineStarts, spanHashes } from '../../functions/domain/diff/lines';
import { normalizeText } from '../../functions/domain/text';
import { newOf, oldOf } from '../support/diff-ops';
import { edit, fixtureVi, fixtureViV2 } from '../support/fixtures';

const fixture = normalizeText(fixtureVi);

const statuses = (d: PolicyDiff) => d.sections.map((s) => `${s.key}:${s.status}`);
const changed = (d: PolicyDiff) => d.sections.filter((s) => s.status !== 'unchanged');
const keysOf = (keys: string) => keys.split(' ');

/** Adds `delta` to the number of every section heading (`7.` and its subsections `7.1`) numbered ≥ `from`. */
function renumber(text: string, from: number, delta: number): string {
  return text.replace(/^(\d+)(\.\d*) /gm, (m, n: string, rest: string) =>
    Number(n) >= from ? `${Number(n) + delta}${rest} ` : m,
  );
}

/**
 * The fixture's sections found without the code under test: its headings start at column 0 with their
 * number (`7. Title`, `7.1 Title`; its list items are indented), and a section runs to the next one.
 */
function handSections(text: string): Array<{ key: string; text: string }> {
  const out = [{ key: 'preamble', text: '' }];
  for (const line of text.split(/(?<=\n)/)) {
    const heading = /^(\d+(?:\.\d+)?)\.? \S/.exec(line);
    if (heading !== null) out.push({ key: heading[1]!, text: line });
    else out[out.length - 1]!.text += line;
  }
  return out;
}

/** The fixture's section `key` alone (heading line to the next heading, subsections excluded). */
function sectionText(text: string, key: string): string {
  return handSections(text).find((s) => s.key === key)!.text;
}

/** Section `n` with all its subsections (`n.1`, `n.2`, …), as text. */
function chapterText(text: string, n: number): string {
  return handSections(text)
    .filter((s) => s.key === String(n) || s.key.startsWith(`${n}.`))
    .map((s) => s.text)
    .join('');
}

/** The fixture's headings as written in examples/privacy-policy.vi.txt: [key, title]. */
const FIXTURE_HEADINGS = [
  ['preamble', 'Chính sách bảo mật của Công ty TNHH Sao Mai Digital'],
  ['1', 'Phạm vi áp dụng'],
  ['1.1', 'Đối tượng áp dụng'],
  ['1.2', 'Những gì chính sách này không điều chỉnh'],
  ['2', 'Bên chịu trách nhiệm về dữ liệu'],
  ['2.1', 'Bên kiểm soát dữ liệu'],
  ['2.2', 'Người phụ trách bảo vệ dữ liệu'],
  ['3', 'Dữ liệu chúng tôi thu thập'],
  ['3.1', 'Dữ liệu quý khách cung cấp'],
  ['3.2', 'Dữ liệu được thu thập tự động'],
  ['3.3', 'Dữ liệu từ đối tác'],
  ['4', 'Mục đích sử dụng dữ liệu'],
  ['4.1', 'Cung cấp dịch vụ'],
  ['4.2', 'Cải thiện dịch vụ'],
  ['4.3', 'Tiếp thị'],
  ['5', 'Cơ sở pháp lý'],
  ['5.1', 'Sự đồng ý'],
  ['5.2', 'Hợp đồng và nghĩa vụ pháp lý'],
  ['6', 'Chia sẻ dữ liệu với bên thứ ba'],
  ['6.1', 'Nhà cung cấp dịch vụ'],
  ['6.2', 'Cơ quan nhà nước'],
  ['6.3', 'Không bán dữ liệu'],
  ['7', 'Chuyển dữ liệu ra nước ngoài'],
  ['7.1', 'Nơi lưu trữ dữ liệu'],
  ['8', 'Thời hạn lưu trữ dữ liệu'],
  ['8.1', 'Thời hạn lưu trữ'],
  ['8.2', 'Xóa dữ liệu'],
  ['9', 'Bảo mật'],
  ['9.1', 'Biện pháp kỹ thuật'],
  ['9.2', 'Sự cố bảo mật'],
  ['10', 'Quyền của quý khách'],
  ['10.1', 'Truy cập và chỉnh sửa'],
  ['10.2', 'Xóa dữ liệu và phản đối'],
  ['10.3', 'Cách thực hiện quyền'],
  ['11', 'Thay đổi chính sách'],
  ['11.1', 'Thông báo mọi thay đổi'],
  ['11.2', 'Xác nhận phiên bản mới nhất'],
  ['12', 'Liên hệ'],
  ['12.1', 'Thông tin liên hệ'],
];

const NEW_SECTION =
  '5. Quyền khiếu nại\n\nQuý khách có quyền khiếu nại với cơ quan bảo vệ dữ liệu cá nhân có thẩm quyền.\n\n';

/** Every modified section's changes rebuild the old and the new section text exactly. */
function expectChangesRebuildSections(oldText: string, newText: string, d: PolicyDiff) {
  const oldTexts = new Set(splitSections(oldText).map((s) => s.text));
  const newByKey = new Map(splitSections(newText).map((s) => [s.key, s.text]));
  for (const s of d.sections) {
    if (s.status === 'unchanged') {
      expect(s).not.toHaveProperty('changes');
      continue;
    }
    const ops = s.changes!;
    if (s.status === 'added') expect(ops).toEqual([{ op: 'insert', text: newByKey.get(s.key) }]);
    if (s.status === 'removed') expect(oldTexts.has(oldOf(ops)) && newOf(ops) === '').toBe(true);
    if (s.status === 'modified') expect(newOf(ops)).toBe(newByKey.get(s.key));
  }
  // A run of changed sections may be diffed as one text (a section split in two, text moved across a
  // heading), so a modified section's old side need not be one whole old section, but it is always a
  // piece of the old text, never invented.
  for (const s of d.sections) if (s.status === 'modified') expect(oldText).toContain(oldOf(s.changes!));
}

describe('splitSections on the fixture (hand-written expectations)', () => {
  it('finds every numbered heading of the fixture, with its key and title, and nothing else', () => {
    const sections = splitSections(fixture);
    expect(sections.map((s) => [s.key, s.title])).toEqual(FIXTURE_HEADINGS);
    expect(sections.map((s) => s.text)).toEqual(handSections(fixture).map((s) => s.text));
    expect(sections.map((s) => s.text).join('')).toBe(fixture);
  });
});

describe('diffPolicyTexts: identity and normalisation', () => {
  it('reports no changes for a text against itself (fixture)', () => {
    const d = diffPolicyTexts(fixture, fixture);
    expect(d.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
    expect(d.sections).toHaveLength(39);
    for (const s of d.sections) {
      expect(s.status).toBe('unchanged');
      expect(s).not.toHaveProperty('changes');
    }
  });

  it('reports no changes for any document against itself (property)', () => {
    const line = fc.constantFrom(
      '',
      '1. Phạm vi',
      '2. Mục đích:',
      ' 1. mục',
      'Điều 3',
      '# Tiêu đề',
      'Văn bản.',
      'x',
    );
    const doc = fc.array(line, { maxLength: 40 }).map((ls) => normalizeText(ls.join('\n')));
    fc.assert(
      fc.property(doc, (text) => {
        const d = diffPolicyTexts(text, text);
        expect(d.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
        expect(d.sections.every((s) => s.status === 'unchanged' && s.changes === undefined)).toBe(true);
      }),
    );
  });

  it('reports no changes between the NFD and NFC forms of the same text', () => {
    const nfd = fixture.normalize('NFD');
    expect(nfd).not.toBe(fixture);
    for (const d of [diffPolicyTexts(fixture, normalizeText(nfd)), diffPolicyTexts(fixture, nfd)]) {
      expect(d.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
    }
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('Điều', 'ệ', 'Ủy', 'thác', ' ', '\n', '\r\n', 'ở  '), { maxLength: 30 }),
        (ps) => {
          const text = ps.join('');
          const d = diffPolicyTexts(
            normalizeText(text.normalize('NFD')),
            normalizeText(text.normalize('NFC')),
          );
          expect(d.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
        },
      ),
    );
  });
});

describe('diffPolicyTexts: sections aligned by content, not by number (fixture)', () => {
  const V1_KEYS =
    'preamble 1 1.1 1.2 2 2.1 2.2 3 3.1 3.2 3.3 4 4.1 4.2 4.3 5 5.1 5.2 6 6.1 6.2 6.3 7 7.1 8 8.1 8.2 9 9.1 9.2 10 10.1 10.2 10.3 11 11.1 11.2 12 12.1';

  it('inserting a section after 4 and renumbering the rest gives exactly one added section', () => {
    const revised = renumber(fixture, 5, 1).replace('6. Cơ sở pháp lý', `${NEW_SECTION}6. Cơ sở pháp lý`);
    const d = diffPolicyTexts(fixture, revised);
    expect(statuses(d)).toEqual([
      ...keysOf('preamble 1 1.1 1.2 2 2.1 2.2 3 3.1 3.2 3.3 4 4.1 4.2 4.3').map((k) => `${k}:unchanged`),
      '5:added',
      ...keysOf(
        '6 6.1 6.2 7 7.1 7.2 7.3 8 8.1 9 9.1 9.2 10 10.1 10.2 11 11.1 11.2 11.3 12 12.1 12.2 13 13.1',
      ).map((k) => `${k}:unchanged`),
    ]);
    expect(changed(d)).toEqual([
      {
        key: '5',
        title: 'Quyền khiếu nại',
        status: 'added',
        changes: [{ op: 'insert', text: NEW_SECTION }],
      },
    ]);
    // 4 new lines + 24 renumbered headings (8 sections, 16 subsections) added; the 24 old headings removed.
    expect(d.stats).toEqual({ linesAdded: 28, linesRemoved: 24, sectionsChanged: 1 });
    expect(d.sections[16]).toEqual({
      key: '6',
      title: 'Cơ sở pháp lý',
      status: 'unchanged',
      oldKey: '5',
    });
    expect(d.sections[17]).toEqual({
      key: '6.1',
      title: 'Sự đồng ý',
      status: 'unchanged',
      oldKey: '5.1',
    });
  });

  it('removing a section and renumbering gives exactly one removed section, where it was', () => {
    const seven = chapterText(fixture, 7);
    const revised = renumber(fixture.replace(seven, ''), 8, -1);
    const d = diffPolicyTexts(fixture, revised);
    expect(statuses(d)).toEqual([
      ...keysOf('preamble 1 1.1 1.2 2 2.1 2.2 3 3.1 3.2 3.3 4 4.1 4.2 4.3 5 5.1 5.2 6 6.1 6.2 6.3').map(
        (k) => `${k}:unchanged`,
      ),
      '7:removed',
      '7.1:removed',
      ...keysOf('7 7.1 7.2 8 8.1 8.2 9 9.1 9.2 9.3 10 10.1 10.2 11 11.1').map((k) => `${k}:unchanged`),
    ]);
    expect(changed(d)).toEqual([
      {
        key: '7',
        title: 'Chuyển dữ liệu ra nước ngoài',
        status: 'removed',
        changes: [{ op: 'delete', text: sectionText(fixture, '7') }],
      },
      {
        key: '7.1',
        title: 'Nơi lưu trữ dữ liệu',
        status: 'removed',
        changes: [{ op: 'delete', text: sectionText(fixture, '7.1') }],
      },
    ]);
    expect(d.stats.sectionsChanged).toBe(2);
  });

  it('a moved (and renumbered) but otherwise identical section is unchanged, at its new position', () => {
    const eight = chapterText(fixture, 8);
    const eleven = chapterText(fixture, 11);
    // Move 8 after 11: 9, 10, 11 become 8, 9, 10 and the moved section becomes 11.
    const rest = renumber(renumber(fixture.replace(eight, ''), 9, -1), 11, 1); // 12 keeps its number
    const ten = renumber(eleven, 11, -1);
    const revised = edit(rest, ten, `${ten}${renumber(eight, 8, 3)}`);
    const d = diffPolicyTexts(fixture, revised);
    expect(d.stats.sectionsChanged).toBe(0);
    expect(d.sections.map((s) => [s.key, s.status, s.title]).slice(24, 38)).toEqual([
      ['8', 'unchanged', 'Bảo mật'],
      ['8.1', 'unchanged', 'Biện pháp kỹ thuật'],
      ['8.2', 'unchanged', 'Sự cố bảo mật'],
      ['9', 'unchanged', 'Quyền của quý khách'],
      ['9.1', 'unchanged', 'Truy cập và chỉnh sửa'],
      ['9.2', 'unchanged', 'Xóa dữ liệu và phản đối'],
      ['9.3', 'unchanged', 'Cách thực hiện quyền'],
      ['10', 'unchanged', 'Thay đổi chính sách'],
      ['10.1', 'unchanged', 'Thông báo mọi thay đổi'],
      ['10.2', 'unchanged', 'Xác nhận phiên bản mới nhất'],
      ['11', 'unchanged', 'Thời hạn lưu trữ dữ liệu'],
      ['11.1', 'unchanged', 'Thời hạn lưu trữ'],
      ['11.2', 'unchanged', 'Xóa dữ liệu'],
      ['12', 'unchanged', 'Liên hệ'],
    ]);
  });

  it('editing one word gives one modified section with a word-level delete + insert of that word', () => {
    const revised = edit(fixture, 'một sự cố rò rỉ gây', 'một sự cố lộ lọt gây');
    const d = diffPolicyTexts(fixture, revised);
    expect(d.stats).toEqual({ linesAdded: 1, linesRemoved: 1, sectionsChanged: 1 });
    const [incident] = changed(d);
    expect(incident).toMatchObject({ key: '9.2', title: 'Sự cố bảo mật', status: 'modified' });
    expect(incident!.changes!.filter((c) => c.op !== 'equal')).toEqual([
      { op: 'delete', text: 'rò rỉ' },
      { op: 'insert', text: 'lộ lọt' },
    ]);
    expect(oldOf(incident!.changes!)).toBe(sectionText(fixture, '9.2'));
    expect(newOf(incident!.changes!)).toBe(sectionText(revised, '9.2'));
  });

  it('a renumbered section with an edit is modified under its new key; the number change shows', () => {
    const revised = edit(
      renumber(fixture, 5, 1).replace('6. Cơ sở pháp lý', `${NEW_SECTION}6. Cơ sở pháp lý`),
      'Chúng tôi trả lời trong vòng',
      'Chúng tôi trả lời bằng văn bản trong vòng',
    ); // subsection 10.3, now 11.3
    const d = diffPolicyTexts(fixture, revised);
    expect(changed(d).map((s) => [s.key, s.status])).toEqual([
      ['5', 'added'],
      ['11.3', 'modified'],
    ]);
    const edits = changed(d)[1]!.changes!.filter((c) => c.op !== 'equal');
    expect(edits.slice(0, 2)).toEqual([
      { op: 'delete', text: '10.3' },
      { op: 'insert', text: '11.3' },
    ]);
    expect(edits.slice(2).map((c) => [c.op, c.text.trim()])).toEqual([['insert', 'bằng văn bản']]);
    expectChangesRebuildSections(fixture, revised, d);
  });

  it('a section both moved and edited is modified, reported at its new position', () => {
    const two = chapterText(fixture, 2);
    const ten = chapterText(fixture, 10);
    const editedTwo = edit(two, 'được đăng ký tại', 'được đăng ký kinh doanh tại');
    const revised = fixture.replace(two, '').replace(ten, `${ten}${editedTwo}`);
    const d = diffPolicyTexts(fixture, revised);
    expect(changed(d).map((s) => [s.key, s.status, s.title])).toEqual([
      ['2.1', 'modified', 'Bên kiểm soát dữ liệu'],
    ]);
    expect(d.sections.map((s) => s.key)).toEqual(
      keysOf(
        'preamble 1 1.1 1.2 3 3.1 3.2 3.3 4 4.1 4.2 4.3 5 5.1 5.2 6 6.1 6.2 6.3 7 7.1 8 8.1 8.2 9 9.1 9.2 10 10.1 10.2 10.3 2 2.1 2.2 11 11.1 11.2 12 12.1',
      ),
    );
    expect([...d.sections.map((s) => s.key)].sort()).toEqual(keysOf(V1_KEYS).sort());
  });

  it('an edited title is a modification of the same section', () => {
    const revised = edit(fixture, '3. Dữ liệu chúng tôi thu thập', '3. Dữ liệu cá nhân chúng tôi thu thập');
    const d = diffPolicyTexts(fixture, revised);
    expect(changed(d).map((s) => [s.key, s.status, s.title])).toEqual([
      ['3', 'modified', 'Dữ liệu cá nhân chúng tôi thu thập'],
    ]);
  });

  it('an edited preamble is the modified `preamble` section', () => {
    const revised = edit(fixture, 'Chính sách bảo mật của', 'Chính sách bảo mật thông tin của');
    const d = diffPolicyTexts(fixture, revised);
    expect(changed(d).map((s) => [s.key, s.status, s.title])).toEqual([
      ['preamble', 'modified', 'Chính sách bảo mật thông tin của Công ty TNHH Sao Mai Digital'],
    ]);
  });

  it('lists the titles of changed sections in document order', () => {
    const six = chapterText(fixture, 6);
    const revised = renumber(
      edit(fixture, 'chúng tôi nhận họ tên', 'chúng tôi chỉ nhận họ tên').replace(
        six,
        `${six}${NEW_SECTION.replace('5.', '7.')}`,
      ),
      7,
      1,
    ).replace('8. Quyền khiếu nại', '7. Quyền khiếu nại');
    const d = diffPolicyTexts(fixture, revised);
    expect(changedSectionTitles(d)).toEqual(['Dữ liệu từ đối tác', 'Quyền khiếu nại']);
  });
});

describe('diffPolicyTexts: the example second revision (examples/privacy-policy-v2.vi.txt)', () => {
  const v2 = normalizeText(fixtureViV2);
  const d = diffPolicyTexts(fixture, v2);

  it('shows the inserted section 7 as added and the renumbered sections 8–13 matched to 7–12', () => {
    expect(statuses(d)).toEqual([
      ...keysOf('preamble 1 1.1 1.2 2 2.1').map((k) => `${k}:unchanged`),
      '2.2:modified',
      ...keysOf('3 3.1 3.2 3.3 4 4.1 4.2 4.3 5 5.1 5.2 6 6.1 6.2 6.3').map((k) => `${k}:unchanged`),
      '7:added',
      '7.1:added',
      '7.2:added',
      ...keysOf('8 8.1 9').map((k) => `${k}:unchanged`),
      '9.1:modified',
      ...keysOf('9.2 10').map((k) => `${k}:unchanged`),
      '10.1:modified',
      ...keysOf('10.2 11 11.1 11.2').map((k) => `${k}:unchanged`),
      '11.3:modified',
      ...keysOf('12 12.1 12.2 13 13.1').map((k) => `${k}:unchanged`),
    ]);
    expect(changedSectionTitles(d)).toEqual([
      'Người phụ trách bảo vệ dữ liệu',
      'Dữ liệu của trẻ em',
      'Độ tuổi tối thiểu',
      'Dữ liệu thu thập do nhầm lẫn',
      'Thời hạn lưu trữ',
      'Biện pháp kỹ thuật',
      'Cách thực hiện quyền',
    ]);
    expect(d.stats.sectionsChanged).toBe(7);
  });

  it('shows each edit word by word: the renumbered heading, 12 → 18 months, 15 → 10 days, the new requirement', () => {
    const edits = (key: string) =>
      d.sections.find((s) => s.key === key)!.changes!.filter((c) => c.op !== 'equal');
    expect(edits('2.2')).toEqual([
      { op: 'delete', text: '12' },
      { op: 'insert', text: '13' },
    ]);
    // A section number is one token (numbers are never split): 8.1 → 9.1 whole.
    expect(edits('9.1')).toEqual([
      { op: 'delete', text: '8.1' },
      { op: 'insert', text: '9.1' },
      { op: 'delete', text: '12' },
      { op: 'insert', text: '18' },
    ]);
    expect(edits('10.1')).toEqual([
      { op: 'delete', text: '9.1' },
      { op: 'insert', text: '10.1' },
      { op: 'insert', text: ', yêu cầu xác thực hai yếu tố cho mọi tài khoản nhân viên' },
    ]);
    expect(edits('11.3')).toEqual([
      { op: 'delete', text: '10.3' },
      { op: 'insert', text: '11.3' },
      { op: 'delete', text: '15' },
      { op: 'insert', text: '10' },
    ]);
    expectChangesRebuildSections(fixture, v2, d);
  });
});

describe('diffPolicyTexts: properties on random revisions of the fixture', () => {
  const lines = fixture.split('\n');
  const edit = fc.record({
    line: fc.nat({ max: lines.length - 1 }),
    kind: fc.constantFrom('word', 'delete', 'insert', 'rewrite'),
    word: fc.constantFrom('dữ liệu', 'Sao Mai', 'không', 'quý khách', '5. Điều khoản mới', '5.1 Mục mới', ''),
  });

  it('modified sections rebuild both texts, added/removed carry the whole text, stats agree', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 12 }), (edits) => {
        const ls = [...lines];
        for (const e of edits) {
          const at = Math.min(e.line, ls.length - 1);
          if (e.kind === 'word') ls[at] = ls[at]!.replace(/\p{L}+/u, e.word);
          else if (e.kind === 'delete') ls.splice(at, 1);
          else if (e.kind === 'insert') ls.splice(at, 0, e.word);
          else ls[at] = `${e.word} ${e.word}`;
        }
        const revised = normalizeText(ls.join('\n'));
        const d = diffPolicyTexts(fixture, revised);
        expectChangesRebuildSections(fixture, revised, d);
        expect(d.stats.sectionsChanged).toBe(changed(d).length);
        if (revised === fixture)
          expect(d.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
        // Every new section appears exactly once, in document order.
        const newKeys = splitSections(revised).map((s) => s.key);
        expect(d.sections.filter((s) => s.status !== 'removed').map((s) => s.key)).toEqual(newKeys);
      }),
      { numRuns: 150 },
    );
  });
});

/** The fixture with a new section 5 (later ones renumbered) and one word edit. */
const renumberedWithNewSection = () =>
  edit(
    renumber(fixture, 5, 1).replace('6. Cơ sở pháp lý', `${NEW_SECTION}6. Cơ sở pháp lý`),
    'sự cố rò rỉ',
    'sự cố lộ lọt',
  );

describe('diffPolicyTexts: determinism', () => {
  it('gives the same result for the same inputs, every time', () => {
    const revised = renumberedWithNewSection();
    const first = JSON.stringify(diffPolicyTexts(fixture, revised));
    for (let k = 0; k < 3; k++) expect(JSON.stringify(diffPolicyTexts(fixture, revised))).toBe(first);
  });
});

describe('diffPolicyTexts: warm and cold', () => {
  it('gives the same diff and unified diff whether the texts come from the parse cache (with their line hashes) or not', () => {
    const revised = renumberedWithNewSection();
    // Ten other texts push both out of the parse cache (8 entries): the first diff below is cold.
    for (let k = 0; k < 10; k++) splitSections(`${fixture}\nPhụ lục ${k}\n`);
    const cold = JSON.stringify(diffPolicyTexts(fixture, revised));
    const coldUnified = unifiedDiff(fixture, revised, { oldLabel: 'v1', newLabel: 'v2' });
    expect(JSON.stringify(diffPolicyTexts(fixture, revised))).toBe(cold);
    expect(unifiedDiff(fixture, revised, { oldLabel: 'v1', newLabel: 'v2' })).toBe(coldUnified);
    expect(coldUnified).toContain('+5. Quyền khiếu nại');
  });

  it('interns lines to the same ids with hashes kept from before as with hashes computed now', () => {
    const revised = edit(fixture, 'sự cố rò rỉ', 'sự cố lộ lọt');
    const a = lineStarts(fixture);
    const b = lineStarts(revised);
    const fresh = internLines(fixture, revised, a, b);
    const kept = internLines(fixture, revised, a, b, spanHashes(fixture, a), spanHashes(revised, b));
    expect([...kept.a]).toEqual([...fresh.a]);
    expect([...kept.b]).toEqual([...fresh.b]);
    expect(kept.idCount).toBe(fresh.idCount);
    // Equal lines share an id, different lines do not.
    expect(fresh.a[0]).toBe(fresh.b[0]);
    expect(new Set(fresh.a).size).toBeLessThan(fresh.idCount);
  });
});

describe('diffPolicyTexts: large inputs', () => {
  it('finishes a 10,000-line full rewrite with sections, and the changes rebuild both texts', () => {
    const doc = (tag: string) => {
      const out: string[] = [];
      for (let s = 1; out.length < 10_000; s++) {
        out.push(`${s}. ${tag} tiêu đề ${s}`, '');
        for (let p = 0; p < 8; p++)
          out.push(`${tag} đoạn ${s}.${p}: nội dung ${(s * 31 + p * 7) % 101} riêng.`, '');
      }
      return normalizeText(out.slice(0, 10_000).join('\n'));
    };
    const a = doc('Cũ');
    const b = doc('Mới');
    const d = diffPolicyTexts(a, b);
    // Every non-blank line (half of them) is rewritten; blank lines stay.
    expect(d.stats).toMatchObject({ linesAdded: 5_000, linesRemoved: 5_000 });
    expectChangesRebuildSections(a, b, d);
  });
});
