import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  changedSectionTitles,
  diffPolicyTexts,
  type PolicyDiff,
  splitSections,
} from '../../functions/domain/diff/index';
import { normalizeText } from '../../functions/domain/text';
import { newOf, oldOf } from '../support/diff-ops';

const fixture = normalizeText(
  readFileSync(new URL('../../../shared/fixtures/privacy-policy.vi.txt', import.meta.url), 'utf8'),
);

const statuses = (d: PolicyDiff) => d.sections.map((s) => `${s.key}:${s.status}`);
const changed = (d: PolicyDiff) => d.sections.filter((s) => s.status !== 'unchanged');

/** Adds `delta` to every top-level heading number ≥ `from`. */
function renumber(text: string, from: number, delta: number): string {
  return text.replace(/^(\d+)\. /gm, (m, n: string) => (Number(n) >= from ? `${Number(n) + delta}. ` : m));
}

/** The fixture's section `n` (heading line to the next heading), as text. */
function sectionText(text: string, n: number): string {
  return splitSections(text).find((s) => s.key === String(n))!.text;
}

const NEW_SECTION =
  '5. Quyền của khách hàng\n\nKhách hàng có quyền yêu cầu TAGGER xóa Thông Tin Nhận Được.\n\n';

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

describe('diffPolicyTexts: identity and normalisation', () => {
  it('reports no changes for a text against itself (fixture)', () => {
    const d = diffPolicyTexts(fixture, fixture);
    expect(d.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
    expect(d.sections).toHaveLength(13);
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
  it('inserting a section after 4 and renumbering the rest gives exactly one added section', () => {
    const revised = renumber(fixture, 5, 1).replace('6. Cung cấp', `${NEW_SECTION}6. Cung cấp`);
    const d = diffPolicyTexts(fixture, revised);
    expect(statuses(d)).toEqual([
      'preamble:unchanged',
      '1:unchanged',
      '2:unchanged',
      '3:unchanged',
      '4:unchanged',
      '5:added',
      ...Array.from({ length: 8 }, (_, i) => `${i + 6}:unchanged`),
    ]);
    expect(changed(d)).toEqual([
      {
        key: '5',
        title: 'Quyền của khách hàng',
        status: 'added',
        changes: [{ op: 'insert', text: NEW_SECTION }],
      },
    ]);
    // 4 new lines + 8 renumbered headings added; the 8 old headings removed.
    expect(d.stats).toEqual({ linesAdded: 12, linesRemoved: 8, sectionsChanged: 1 });
    expect(d.sections[6]).toEqual({
      key: '6',
      title: 'Cung cấp Thông Tin Nhận Được cho Bên thứ ba',
      status: 'unchanged',
      oldKey: '5',
    });
  });

  it('removing a section and renumbering gives exactly one removed section, where it was', () => {
    const six = sectionText(fixture, 6);
    const revised = renumber(fixture.replace(six, ''), 7, -1);
    const d = diffPolicyTexts(fixture, revised);
    expect(statuses(d)).toEqual([
      'preamble:unchanged',
      ...Array.from({ length: 5 }, (_, i) => `${i + 1}:unchanged`),
      '6:removed',
      ...Array.from({ length: 6 }, (_, i) => `${i + 6}:unchanged`),
    ]);
    expect(changed(d)).toEqual([
      {
        key: '6',
        title: 'Ủy thác cho Bên thứ ba về việc xử lý Thông Tin Nhận Được',
        status: 'removed',
        changes: [{ op: 'delete', text: six }],
      },
    ]);
    expect(d.stats.sectionsChanged).toBe(1);
  });

  it('a moved (and renumbered) but otherwise identical section is unchanged, at its new position', () => {
    const eight = sectionText(fixture, 8);
    const eleven = sectionText(fixture, 11);
    // Move 8 after 11: 9, 10, 11 become 8, 9, 10 and the moved section becomes 11.
    const moved = fixture.replace(eight, '').replace(eleven, `${eleven}${eight}`);
    const revised = moved
      .replace(/^9\. /m, '8. ')
      .replace(/^10\. /m, '9. ')
      .replace(/^11\. /m, '10. ')
      .replace(/^8\. Chỉnh sửa/m, '11. Chỉnh sửa');
    const d = diffPolicyTexts(fixture, revised);
    expect(d.stats.sectionsChanged).toBe(0);
    expect(d.sections.map((s) => [s.key, s.status, s.title]).slice(8, 12)).toEqual([
      ['8', 'unchanged', 'Quản lý và tính bảo mật thông tin cá nhân'],
      ['9', 'unchanged', 'Cải thiện và cập nhật Chính sách bảo mật'],
      ['10', 'unchanged', 'Thủ tục tiết lộ, chỉnh sửa và chấm dứt sử dụng thông tin cá nhân'],
      ['11', 'unchanged', 'Chỉnh sửa thông tin cá nhân bởi TAGGER'],
    ]);
  });

  it('editing one word gives one modified section with a word-level delete + insert of that word', () => {
    const revised = fixture.replace('truy cập trái phép vào', 'truy cập bất hợp pháp vào');
    const d = diffPolicyTexts(fixture, revised);
    expect(d.stats).toEqual({ linesAdded: 1, linesRemoved: 1, sectionsChanged: 1 });
    const [three] = changed(d);
    expect(three).toMatchObject({ key: '3', title: 'Quản lý Thông Tin Nhận Được', status: 'modified' });
    expect(three!.changes!.filter((c) => c.op !== 'equal')).toEqual([
      { op: 'delete', text: 'trái phép' },
      { op: 'insert', text: 'bất hợp pháp' },
    ]);
    expect(oldOf(three!.changes!)).toBe(sectionText(fixture, 3));
    expect(newOf(three!.changes!)).toBe(sectionText(revised, 3));
  });

  it('a renumbered section with an edit is modified under its new key; the number change shows', () => {
    const revised = renumber(fixture, 5, 1)
      .replace('6. Cung cấp', `${NEW_SECTION}6. Cung cấp`)
      .replace('rà soát trong', 'rà soát kỹ lưỡng trong'); // section 11, now 12
    const d = diffPolicyTexts(fixture, revised);
    expect(changed(d).map((s) => [s.key, s.status])).toEqual([
      ['5', 'added'],
      ['12', 'modified'],
    ]);
    const edits = changed(d)[1]!.changes!.filter((c) => c.op !== 'equal');
    expect(edits.slice(0, 2)).toEqual([
      { op: 'delete', text: '11' },
      { op: 'insert', text: '12' },
    ]);
    expect(edits.slice(2).map((c) => [c.op, c.text.trim()])).toEqual([['insert', 'kỹ lưỡng']]);
    expectChangesRebuildSections(fixture, revised, d);
  });

  it('a section both moved and edited is modified, reported at its new position', () => {
    const two = sectionText(fixture, 2);
    const ten = sectionText(fixture, 10);
    const editedTwo = two.replace('Thu thập thông tin khi', 'Thu thập tự động thông tin khi');
    const revised = fixture.replace(two, '').replace(ten, `${ten}${editedTwo}`);
    const d = diffPolicyTexts(fixture, revised);
    expect(changed(d).map((s) => [s.key, s.status])).toEqual([['2', 'modified']]);
    expect(d.sections.map((s) => s.key)).toEqual([
      'preamble',
      '1',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '2',
      '11',
      '12',
    ]);
  });

  it('an edited title is a modification of the same section', () => {
    const revised = fixture.replace('7. Sử dụng “Cookie”', '7. Sử dụng Cookie và công nghệ tương tự');
    const d = diffPolicyTexts(fixture, revised);
    expect(changed(d).map((s) => [s.key, s.status, s.title])).toEqual([
      ['7', 'modified', 'Sử dụng Cookie và công nghệ tương tự'],
    ]);
  });

  it('an edited preamble is the modified `preamble` section', () => {
    const revised = fixture.replace('CHÍNH SÁCH BẢO MẬT', 'CHÍNH SÁCH BẢO MẬT THÔNG TIN');
    const d = diffPolicyTexts(fixture, revised);
    expect(changed(d).map((s) => [s.key, s.status, s.title])).toEqual([
      ['preamble', 'modified', 'CHÍNH SÁCH BẢO MẬT THÔNG TIN'],
    ]);
  });

  it('lists the titles of changed sections in document order', () => {
    const six = sectionText(fixture, 6);
    const revised = renumber(
      fixture.replace('trái phép', 'bất hợp pháp').replace(six, `${six}${NEW_SECTION.replace('5.', '7.')}`),
      7,
      1,
    ).replace('8. Quyền', '7. Quyền');
    const d = diffPolicyTexts(fixture, revised);
    expect(changedSectionTitles(d)).toEqual(['Quản lý Thông Tin Nhận Được', 'Quyền của khách hàng']);
  });
});

describe('diffPolicyTexts: properties on random revisions of the fixture', () => {
  const lines = fixture.split('\n');
  const edit = fc.record({
    line: fc.nat({ max: lines.length - 1 }),
    kind: fc.constantFrom('word', 'delete', 'insert', 'rewrite'),
    word: fc.constantFrom('dữ liệu', 'TAGGER', 'không', 'khách hàng', '5. Điều khoản mới', ''),
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

describe('diffPolicyTexts: determinism', () => {
  it('gives the same result for the same inputs, every time', () => {
    const revised = renumber(fixture, 5, 1)
      .replace('6. Cung cấp', `${NEW_SECTION}6. Cung cấp`)
      .replace('trái phép', 'bất hợp pháp');
    const first = JSON.stringify(diffPolicyTexts(fixture, revised));
    for (let k = 0; k < 3; k++) expect(JSON.stringify(diffPolicyTexts(fixture, revised))).toBe(first);
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
