import { describe, expect, it } from 'vitest';
import { splitSections } from '../../functions/domain/diff/index';
import { normalizeText } from '../../functions/domain/text';
import { fixtureVi } from '../support/fixtures';

const fixture = normalizeText(fixtureVi);

const keysAndTitles = (text: string) => splitSections(text).map((s) => [s.key, s.title]);

describe('splitSections on the Vietnamese example (examples/privacy-policy.vi.txt)', () => {
  const sections = splitSections(fixture);
  const byKey = (key: string) => sections.find((s) => s.key === key)!;

  it('finds the preamble, the 12 numbered sections and their subsections, keyed by their numbers', () => {
    expect(sections.map((s) => s.key)).toEqual(
      'preamble 1 1.1 1.2 2 2.1 2.2 3 3.1 3.2 3.3 4 4.1 4.2 4.3 5 5.1 5.2 6 6.1 6.2 6.3 7 7.1 8 8.1 8.2 9 9.1 9.2 10 10.1 10.2 10.3 11 11.1 11.2 12 12.1'.split(
        ' ',
      ),
    );
  });

  it('titles sections by their heading text, without the number', () => {
    expect(sections[0]!.title).toBe('Chính sách bảo mật của Công ty TNHH Sao Mai Digital');
    expect(sections[0]!.heading).toBeNull();
    expect(sections[1]!.title).toBe('Phạm vi áp dụng');
    expect(byKey('4').title).toBe('Mục đích sử dụng dữ liệu');
    expect(byKey('4').heading).toBe('4. Mục đích sử dụng dữ liệu');
    expect(byKey('8.1').title).toBe('Thời hạn lưu trữ');
    expect(byKey('8.1').heading).toBe('8.1 Thời hạn lưu trữ');
    expect(byKey('11.1').title).toBe('Thông báo mọi thay đổi');
    expect(byKey('12').title).toBe('Liên hệ');
  });

  it('keeps bullet items, table lines, mid-line numbers and the contact block inside their section', () => {
    expect(byKey('3.1').body).toContain('- họ tên đầy đủ và ngày sinh;');
    expect(byKey('8.1').body).toContain('- Dữ liệu tài khoản: 12 tháng sau khi tài khoản bị đóng');
    expect(byKey('2.2').body).toContain('theo thông tin tại mục 12.');
    expect(byKey('12.1').body).toContain('Email: privacy@saomai.example');
    expect(byKey('12.1').body).toContain('Điện thoại: +84 28 3800 1234');
  });

  it('has texts that concatenate to the document, each text = heading line + body', () => {
    expect(sections.map((s) => s.text).join('')).toBe(fixture);
    for (const s of sections) {
      expect(s.text).toBe(s.heading === null ? s.body : `${s.heading}\n${s.body}`);
    }
  });
});

describe('splitSections heading styles', () => {
  it('numbered headings: `1.`, `10.`, `1.1`, `1.1.`', () => {
    const text = 'Intro\n1. Scope\nx\n1.1 Terms\ny\n1.2. More terms:\nz\n10. Last\n';
    expect(keysAndTitles(text)).toEqual([
      ['preamble', 'Intro'],
      ['1', 'Scope'],
      ['1.1', 'Terms'],
      ['1.2', 'More terms'],
      ['10', 'Last'],
    ]);
  });

  it('Vietnamese legal headings: `Chương II`, `Điều 3`, `Điều 3.`, `Mục 2`, upper case too', () => {
    const text = [
      'Chương II',
      'QUY ĐỊNH CHUNG',
      'Điều 3. Phạm vi điều chỉnh',
      'a',
      'Điều 4',
      'b',
      'ĐIỀU 5: Đối tượng áp dụng',
      'c',
      'Mục 2 - Thu thập',
      'd',
      'Mục đích của chính sách này là bảo vệ dữ liệu.',
      '',
    ].join('\n');
    expect(keysAndTitles(text)).toEqual([
      ['II', 'Chương II'],
      ['3', 'Phạm vi điều chỉnh'],
      ['4', 'Điều 4'],
      ['5', 'Đối tượng áp dụng'],
      ['2', 'Thu thập'],
    ]);
  });

  it('English headings: `Article 3`, `Section 3`, `Chapter IV`, `Part 2`', () => {
    const text = 'Article 3 – Scope\na\nSection 4: Definitions\nb\nChapter IV\nc\nPart 2. Rights\nd\n';
    expect(keysAndTitles(text)).toEqual([
      ['3', 'Scope'],
      ['4', 'Definitions'],
      ['IV', 'Chapter IV'],
      ['2', 'Rights'],
    ]);
  });

  it('Markdown headings: slug keys, or the number when the heading is numbered; `1.` lists stay in the body', () => {
    const text = [
      '# Chính sách bảo mật',
      'Lời mở đầu.',
      '## 1. Thông tin thu thập',
      '1. Họ tên',
      '2. Email',
      '## Cookie',
      'Nội dung.',
      '### Cookie',
      '',
    ].join('\n');
    const sections = splitSections(text, 'markdown');
    expect(sections.map((s) => [s.key, s.title])).toEqual([
      ['chính-sách-bảo-mật', 'Chính sách bảo mật'],
      ['1', 'Thông tin thu thập'],
      ['cookie', 'Cookie'],
      ['cookie#2', 'Cookie'],
    ]);
    // The list is a list (read with its numbers, as rendered), not two sections.
    expect(sections[1]!.body).toBe('1. Họ tên\n2. Email\n');
  });

  it('is not fooled by sentences: indented items, `10 apples`, `Section mix…`, long lines, `#tag`', () => {
    const long = `1. ${'rất dài '.repeat(40)}`;
    const text = `Preamble\n 1. indented item\n10 apples are here\nSection mix of data\n${long}\n#tag\n1. Real\n`;
    expect(keysAndTitles(text)).toEqual([
      ['preamble', 'Preamble'],
      ['1', 'Real'],
    ]);
  });

  it('makes keys unique by suffixing repeats in document order', () => {
    expect(splitSections('Điều 1. A\nx\nĐiều 1. B\ny\nĐiều 1. C\n').map((s) => s.key)).toEqual([
      '1',
      '1#2',
      '1#3',
    ]);
  });

  it('gives a document without headings one preamble section, and none to an empty one', () => {
    expect(keysAndTitles('\nJust text.\n')).toEqual([['preamble', 'Just text.']]);
    expect(splitSections('')).toEqual([]);
  });
});
