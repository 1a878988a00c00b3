/**
 * The Markdown document model (functions/domain/document/markdown.ts) of one hand-written document,
 * every field written out: the reader text a diff compares, the blocks a redline renders, and the
 * sections with their keys, titles, line ranges and source offsets.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../functions/domain/document/markdown';

const source = [
  'Intro **text** with [a link](https://x.test) and &amp; entity.',
  '',
  '# Privacy Policy',
  '',
  '**1. Scope**',
  '',
  'This policy applies.\\',
  'Second line after a hard break.',
  '',
  '**A bold sentence that ends.**',
  '',
  '## 2. Data we collect',
  '',
  '- Name',
  '- Email',
  '  - Nested item',
  '',
  '3. Third item',
  '4. Fourth',
  '',
  '> Quoted text',
  '> continues here',
  '',
  '```',
  'code line',
  '```',
  '',
  '| Col A | Col B |',
  '|-------|-------|',
  '| x | ![alt text](img.png) |',
  '',
  'Setext Title',
  '------------',
  '',
  'Last paragraph.',
  '',
].join('\n');

const at = (line: string) => source.indexOf(`${line}\n`);

describe('parseMarkdown', () => {
  // Parsed in each test, not once for the file: what a test checks must run inside it (mutation testing
  // attributes coverage per test).
  let model: ReturnType<typeof parseMarkdown>;
  beforeEach(() => {
    model = parseMarkdown(source);
  });

  it('reads the text as a reader sees it, one line per block', () => {
    expect(model.reader.split('\n')).toEqual([
      'Intro text with a link and & entity.',
      'Privacy Policy',
      '1. Scope',
      'This policy applies.',
      'Second line after a hard break.',
      'A bold sentence that ends.',
      '2. Data we collect',
      'Name',
      'Email',
      'Nested item',
      '3. Third item',
      '4. Fourth',
      'Quoted text continues here',
      'code line',
      'Col A | Col B',
      'x | alt text',
      'Setext Title',
      'Last paragraph.',
      '',
    ]);
    expect(Array.from(model.readerStarts).slice(0, 3)).toEqual([0, 37, 52]);
  });

  it('gives each block its kind, nesting and reader lines', () => {
    const b = (kind: string, level: number, quote: number, line: number, lines = 1) => ({
      kind,
      level,
      quote,
      line,
      lines,
    });
    expect(
      model.blocks.map(({ kind, level, quote, line, lines }) => ({ kind, level, quote, line, lines })),
    ).toEqual([
      b('paragraph', 0, 0, 0),
      b('heading', 1, 0, 1),
      b('heading', 4, 0, 2),
      b('paragraph', 0, 0, 3, 2),
      b('paragraph', 0, 0, 5),
      b('heading', 2, 0, 6),
      b('item', 1, 0, 7),
      b('item', 1, 0, 8),
      b('item', 2, 0, 9),
      b('item', 1, 0, 10),
      b('item', 1, 0, 11),
      b('paragraph', 0, 1, 12),
      b('code', 0, 0, 13),
      b('row', 0, 0, 14),
      b('row', 0, 0, 15),
      b('heading', 2, 0, 16),
      b('paragraph', 0, 0, 17),
    ]);
    expect(model.blocks.map((x) => x.inline)).toEqual([
      'Intro **text** with [a link](https://x.test) and &amp; entity.',
      'Privacy Policy',
      '**1. Scope**',
      'This policy applies.\\\nSecond line after a hard break.',
      '**A bold sentence that ends.**',
      '2. Data we collect',
      'Name',
      'Email',
      'Nested item',
      'Third item',
      'Fourth',
      'Quoted text\ncontinues here',
      null,
      null,
      null,
      'Setext Title',
      'Last paragraph.',
    ]);
    expect(model.blocks.filter((x) => x.kind === 'row').map((x) => x.header)).toEqual([true, false]);
    expect(model.parserHeadings).toBe(3);
  });

  it('starts a section at every heading and at a bold line that reads as one', () => {
    expect(model.sections).toEqual([
      {
        key: 'preamble',
        title: 'Intro text with a link and & entity.',
        heading: null,
        rawTitle: '',
        fromLine: 0,
        toLine: 1,
        contentFrom: 0,
        contentTo: 1,
        srcFrom: 0,
        srcTo: at('# Privacy Policy'),
      },
      {
        key: 'privacy-policy',
        title: 'Privacy Policy',
        heading: 'Privacy Policy',
        rawTitle: 'privacy policy',
        fromLine: 1,
        toLine: 2,
        contentFrom: 2,
        contentTo: 2,
        srcFrom: at('# Privacy Policy'),
        srcTo: at('**1. Scope**'),
      },
      {
        key: '1',
        title: 'Scope',
        heading: '1. Scope',
        rawTitle: 'scope',
        fromLine: 2,
        toLine: 6,
        contentFrom: 3,
        contentTo: 6,
        srcFrom: at('**1. Scope**'),
        srcTo: at('## 2. Data we collect'),
      },
      {
        key: '2',
        title: 'Data we collect',
        heading: '2. Data we collect',
        rawTitle: 'data we collect',
        fromLine: 6,
        toLine: 16,
        contentFrom: 7,
        contentTo: 16,
        srcFrom: at('## 2. Data we collect'),
        srcTo: at('Setext Title'),
      },
      {
        key: 'setext-title',
        title: 'Setext Title',
        heading: 'Setext Title',
        rawTitle: 'setext title',
        fromLine: 16,
        toLine: 18,
        contentFrom: 17,
        contentTo: 18,
        srcFrom: at('Setext Title'),
        srcTo: source.length,
      },
    ]);
  });
});

describe('parseMarkdown edges', () => {
  const keys = (source: string) => parseMarkdown(source).sections.map((s) => s.key);
  const reader = (source: string) => parseMarkdown(source).reader;

  it('takes a bold line as a heading only when it is one bold span, on one line, that reads as a title', () => {
    expect(keys('Intro\n\n**Cookies**\n\nText.\n')).toEqual(['preamble', 'cookies']);
    expect(keys('Intro\n\n**4.1 Scope.**\n\nText.\n')).toEqual(['preamble', '4.1']);
    expect(keys('Intro\n\n  **Cookies**  \n\nText.\n')).toEqual(['preamble', 'cookies']);
    for (const line of [
      '**A bold sentence.**',
      '**a** and **b**',
      '**two\nlines**',
      '**1234**',
      `**${'Long '.repeat(31)}**`,
      '- **In a list**',
      '> **In a quote**',
      '*Only emphasis*',
      '**Bold** then text',
    ])
      expect(keys(`Intro\n\n${line}\n\nText.\n`), line).toEqual(['preamble']);
    expect(keys(`Intro\n\n**${'Long '.repeat(29)}x**\n\nText.\n`)).toEqual(['preamble', expect.any(String)]);
  });

  it('reads numbered items with their number and marker, bullets without', () => {
    expect(reader('1) First\n2) Second\n\n- Bullet\n\n7. Seventh\n8. Eighth\n')).toBe(
      '1) First\n2) Second\nBullet\n7. Seventh\n8. Eighth\n',
    );
  });

  it('leaves out blocks with nothing to read', () => {
    expect(reader('A\n\n```\n\n```\n\n| a | b |\n|---|---|\n|   |   |\n\nB\n')).toBe('A\na | b\nB\n');
    expect(parseMarkdown('').sections).toEqual([]);
    expect(parseMarkdown('').reader).toBe('');
  });

  it('gives a text without headings one preamble over the whole source', () => {
    const source = 'Just text.\n\nMore text.\n';
    expect(parseMarkdown(source).sections).toEqual([
      {
        key: 'preamble',
        title: 'Just text.',
        heading: null,
        rawTitle: '',
        fromLine: 0,
        toLine: 2,
        contentFrom: 0,
        contentTo: 2,
        srcFrom: 0,
        srcTo: source.length,
      },
    ]);
  });

  it('makes repeated heading keys unique and resolves references defined after their use', () => {
    expect(keys('# Scope\n\n# Scope\n\n## 1. Data\n\n## 1. Data\n')).toEqual([
      'scope',
      'scope#2',
      '1',
      '1#2',
    ]);
    const model = parseMarkdown('See [the terms][t].\n\n[t]: https://x.test/terms\n');
    expect(model.reader).toBe('See the terms.\n');
    expect(model.references).toEqual({ T: { href: 'https://x.test/terms', title: '' } });
    expect(parseMarkdown('No references.\n').references).toBeNull();
  });
});

describe('parseMarkdown, more of what a reader sees', () => {
  const reader = (source: string) => parseMarkdown(source).reader;
  const keys = (source: string) => parseMarkdown(source).sections.map((s) => s.key);

  it('reads escapes, code spans, images, soft and hard breaks as rendered', () => {
    expect(reader('A \\*star\\* and `code` and ![the alt](i.png)\nsoft break\\\nhard break\n')).toBe(
      'A *star* and code and the alt soft break\nhard break\n',
    );
    // A paragraph with no words (an empty link) is no block at all.
    expect(reader('A\n\n[](https://x.test)\n\nB\n')).toBe('A\nB\n');
  });

  it('keeps code as written: its indentation, its lines, its inner blank lines', () => {
    expect(reader('```\n  indented code\nline two\n```\n')).toBe('  indented code\nline two\n');
    expect(reader('Text.\n\n    four-space code\n')).toBe('Text.\nfour-space code\n');
    const model = parseMarkdown('# H\n\n```\n\nx\n\n```\n');
    expect(model.reader).toBe('H\n\nx\n\n');
    expect(model.sections).toEqual([
      expect.objectContaining({ key: 'h', fromLine: 0, toLine: 4, contentFrom: 2, contentTo: 3 }),
    ]);
    expect(model.blocks.map((b) => [b.kind, b.line, b.lines])).toEqual([
      ['heading', 0, 1],
      ['code', 1, 3],
    ]);
  });

  it('reads a heading as one line and its numbering loosely (no title shape asked)', () => {
    expect(reader('Line one\nline two\n========\n')).toBe('Line one line two\n');
    expect(keys('Line one\nline two\n========\n')).toEqual(['line-one-line-two']);
    expect(keys('## 1. we collect data;\n\nText.\n')).toEqual(['1']);
  });

  it('numbers ordered items from their start, zero included', () => {
    expect(reader('0. Zero\n1. One\n')).toBe('0. Zero\n1. One\n');
  });

  it('takes a bold line of up to 150 characters as a heading, and a comma inside one', () => {
    expect(keys(`Intro\n\n**${'x'.repeat(150)}**\n\nText.\n`)).toEqual(['preamble', 'x'.repeat(150)]);
    expect(keys(`Intro\n\n**${'x'.repeat(151)}**\n\nText.\n`)).toEqual(['preamble']);
    expect(keys('Intro\n\n**Terms, and Conditions**\n\nText.\n')).toEqual([
      'preamble',
      'terms-and-conditions',
    ]);
  });
});
