import { describe, expect, it } from 'vitest';
import { documentFormat } from '../../bin/cli/commands/publish';
import { EXIT } from '../../bin/cli/errors';

describe('policyctl publish --format', () => {
  it('takes markdown from .md and .markdown files and text from any other', () => {
    expect(
      documentFormat(undefined, [
        ['vi', 'v2.vi.md'],
        ['en', 'v2.en.MARKDOWN'],
      ]),
    ).toBe('markdown');
    expect(documentFormat(undefined, [['vi', 'v2.vi.txt']])).toBe('text');
    expect(documentFormat(undefined, [['vi', 'policy']])).toBe('text');
  });

  it('refuses files of both kinds unless --format says which', () => {
    const files: [string, string][] = [
      ['vi', 'v2.vi.md'],
      ['en', 'v2.en.txt'],
    ];
    expect(() => documentFormat(undefined, files)).toThrow(
      expect.objectContaining({
        exitCode: EXIT.USAGE,
        message:
          'v2.vi.md is Markdown but v2.en.txt is not: a revision has one format; pass --format markdown or --format text',
      }),
    );
    expect(documentFormat('text', files)).toBe('text');
    expect(documentFormat('markdown', [['vi', 'v2.vi.txt']])).toBe('markdown');
  });

  it('refuses an unknown --format', () => {
    expect(() => documentFormat('html', [['vi', 'a.md']])).toThrow(
      "--format must be markdown or text, not 'html'",
    );
  });
});
