/**
 * Markdown structure rules on small documents (functions/domain/document/markdown.ts), each outcome
 * written out: which bold-only lines are headings, a document without headings, code lines as a reader
 * sees them, the links the parser refuses, and the plain web URLs it passes through unchanged.
 */
import { describe, expect, it } from 'vitest';
import { createMarkdownParser, isPlainWebUrl, parseMarkdown } from '../../functions/domain/document/markdown';

const structure = (source: string) => {
  const model = parseMarkdown(source);
  return {
    reader: model.reader,
    blocks: model.blocks.map((b) => [b.kind, b.level]),
    sections: model.sections.map((s) => [s.key, s.title, s.heading]),
  };
};

describe('bold-only lines', () => {
  it('are headings (level 4) when the whole line is one bold span that reads like a title', () => {
    expect(structure('**4.1 Scope**\n\nbody\n')).toEqual({
      reader: '4.1 Scope\nbody\n',
      blocks: [
        ['heading', 4],
        ['paragraph', 0],
      ],
      sections: [['4.1', 'Scope', '4.1 Scope']],
    });
    // Numbered, a final full stop does not make it a sentence.
    expect(structure('**4.1 Scope.**\n').sections).toEqual([['4.1', 'Scope.', '4.1 Scope.']]);
    // Bold nested in bold is still one span.
    expect(structure('**a __b__ c**\n').sections).toEqual([['a-b-c', 'a b c', 'a b c']]);
  });

  it('are paragraphs when the bold span is not the whole line, spans two lines, or is not a title', () => {
    const paragraph = (source: string, reader: string, title: string) =>
      expect(structure(source)).toEqual({
        reader,
        blocks: [['paragraph', 0]],
        sections: [['preamble', title, null]],
      });
    paragraph('See **Scope**\n', 'See Scope\n', 'See Scope');
    paragraph('**a** and **b**\n', 'a and b\n', 'a and b');
    paragraph('**a** **b**\n', 'a b\n', 'a b');
    paragraph('*Scope*\n', 'Scope\n', 'Scope');
    paragraph('**Scope**\nmore\n', 'Scope more\n', 'Scope more');
    // A hard line break inside the span.
    paragraph('**Sco\\\npe**\n', 'Sco\npe\n', 'Sco');
    // A bold sentence, a number, a line longer than 150 characters.
    paragraph('**A bold sentence.**\n', 'A bold sentence.\n', 'A bold sentence.');
    paragraph('**123**\n', '123\n', '123');
    const long = 'Long '.repeat(40).trim();
    paragraph(`**${long}**\n`, `${long}\n`, long);
  });
});

describe('documents and blocks', () => {
  it('makes a document without headings one preamble section, and an empty one none', () => {
    expect(structure('just text\n\nmore\n')).toEqual({
      reader: 'just text\nmore\n',
      blocks: [
        ['paragraph', 0],
        ['paragraph', 0],
      ],
      sections: [['preamble', 'just text', null]],
    });
    expect(structure('   \n').sections).toEqual([]);
    expect(structure('').sections).toEqual([]);
  });

  it('keeps the indentation of a code line and drops its trailing spaces', () => {
    expect(structure('```\n  indented  \n```\n')).toEqual({
      reader: '  indented\n',
      blocks: [['code', 0]],
      sections: [['preamble', 'indented', null]],
    });
  });
});

describe('links', () => {
  it('refuses data: URLs, whatever their case, and keeps URLs that only mention data: later', () => {
    const md = createMarkdownParser();
    expect(md.validateLink('data:text/html,x')).toBe(false);
    expect(md.validateLink('DATA:text/html,x')).toBe(false);
    expect(md.validateLink(' data:x')).toBe(false);
    expect(md.validateLink('javascript:alert(1)')).toBe(false);
    expect(md.validateLink('https://e.com/?q=data:1')).toBe(true);
    expect(md.render('[a](https://e.com/?q=data:1) [b](data:x)')).toBe(
      '<p><a href="https://e.com/?q=data:1">a</a> [b](data:x)</p>\n',
    );
  });

  it('passes plain web URLs through when their host is at most 255 characters', () => {
    const label = 'a'.repeat(63);
    const host255 = [label, label, label, label].join('.');
    const host257 = `${host255}.a`;
    expect(host255).toHaveLength(255);
    expect(isPlainWebUrl(`https://${host255}/x`)).toBe(true);
    expect(isPlainWebUrl(`https://${host257}/x`)).toBe(false);
    // The host ends at the first of / ? #, wherever the others come after it.
    const host250 = host255.slice(5);
    expect(isPlainWebUrl(`https://${host250}?aaaaaaaaaa/bbb`)).toBe(true);
    expect(isPlainWebUrl(`https://${host250}?aaaaaaaaaa/bbb#c`)).toBe(true);
    expect(isPlainWebUrl(`https://${host250}#aaaaaaaaaa/b?c`)).toBe(true);
    expect(isPlainWebUrl(`https://e.com/${'p'.repeat(300)}`)).toBe(true);
    expect(isPlainWebUrl('https://e.com')).toBe(true);
    expect(isPlainWebUrl('https://e.com/a b')).toBe(false);
    expect(isPlainWebUrl('ftp://e.com/')).toBe(false);
  });
});
