import { describe, expect, it } from 'vitest';
import {
  isInlineMarkup,
  MAX_MARKDOWN_LINES,
  MAX_MARKDOWN_MARKUP,
  markdownLimitProblem,
  markdownShape,
} from '../../functions/domain/document/limits';
import { prepareRevision } from '../../functions/domain/prepare-revision';

const NOW = new Date('2026-12-01T00:00:00.000Z');
const prepare = (text: string, format: 'markdown' | 'text') =>
  prepareRevision({
    policyId: 'p',
    input: { texts: { vi: text }, change: 'material', format },
    latest: null,
    now: NOW,
  });

describe('Markdown structure limits', () => {
  it('counts line breaks and exactly the inline markup characters', () => {
    expect(markdownShape('')).toEqual({ lines: 0, markup: 0 });
    expect(markdownShape('# Tiêu đề\n\n*a* _b_ ~c~ `d` [e](f) \\g &amp; <h> | i |\n')).toEqual({
      lines: 3,
      markup: 15,
    });
    const counted = [...'*_~`[]\\&<|'];
    for (let c = 0; c < 0x3000; c++) {
      expect(isInlineMarkup(c), String.fromCharCode(c)).toBe(counted.includes(String.fromCharCode(c)));
    }
  });

  it('accepts a text at the limits and names the one it goes over', () => {
    expect(markdownLimitProblem('a\n'.repeat(MAX_MARKDOWN_LINES))).toBeNull();
    expect(markdownLimitProblem('a\n'.repeat(MAX_MARKDOWN_LINES + 1))).toBe(
      `a Markdown text may have at most ${MAX_MARKDOWN_LINES} lines (this one has ${MAX_MARKDOWN_LINES + 1})`,
    );
    expect(markdownLimitProblem(`${'|'.repeat(MAX_MARKDOWN_MARKUP)}\n`)).toBeNull();
    expect(markdownLimitProblem(`${'&'.repeat(MAX_MARKDOWN_MARKUP + 1)}\n`)).toBe(
      `a Markdown text may have at most ${MAX_MARKDOWN_MARKUP} inline markup characters ` +
        `(* _ ~ \` [ ] \\ & < |; this one has ${MAX_MARKDOWN_MARKUP + 1})`,
    );
  });

  it('refuses such a text at publish for Markdown only', () => {
    const text = '- a\n'.repeat(MAX_MARKDOWN_LINES + 1);
    expect(() => prepare(text, 'markdown')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: [
          { path: 'texts.vi', message: expect.stringContaining(`at most ${MAX_MARKDOWN_LINES} lines`) },
        ],
      }),
    );
    expect(prepare(text, 'text').texts.vi).toBe(text);
    expect(prepare('- a\n'.repeat(MAX_MARKDOWN_LINES), 'markdown').revision.format).toBe('markdown');
  });
});
