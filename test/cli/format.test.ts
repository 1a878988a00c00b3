import { describe, expect, it } from 'vitest';
import { describeDryRun, documentFormat } from '../../bin/cli/commands/publish';
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

describe('describeDryRun of a bounded preview', () => {
  it('says how much of the diff the preview shows', () => {
    const text = describeDryRun({
      policyId: 'p',
      version: 2,
      change: 'minor',
      effectiveAt: '2026-12-01T00:00:00.000Z',
      locales: ['vi'],
      hash: 'sha256:0',
      notify: false,
      baseVersion: 1,
      diff: {
        vi: {
          stats: { linesAdded: 900, linesRemoved: 900, sectionsChanged: 900 },
          sections: [
            { key: '1', title: 'Một', status: 'added', changes: [{ op: 'insert', text: '1. Một\n' }] },
          ],
          truncated: true,
          window: { shown: 1, total: 900 },
        },
      },
    });
    expect(text).toContain(
      'the preview shows 1 of 900 sections; after publishing, policyctl diff shows the rest',
    );
  });
});
