/**
 * prepareRevision's validation rules, each with the exact path and message a publisher sees, at the
 * boundaries (text size, locale count, effectiveAt skew and horizon, baseVersion, unchanged texts).
 */
import { describe, expect, it } from 'vitest';
import { deriveTitle, prepareRevision } from '../../functions/domain/prepare-revision';
import {
  EFFECTIVE_AT_SKEW_MS,
  effectiveAtHorizon,
  MAX_LOCALES,
  type PublishInput,
  type Revision,
} from '../../functions/domain/revision';
import { MAX_TEXT_BYTES } from '../../functions/domain/text';

const NOW = new Date('2026-03-01T10:00:00.000Z');

function prepare(input: Partial<PublishInput>, latest: Revision | null = null) {
  return prepareRevision({
    policyId: 'privacy',
    input: { texts: { en: 'Privacy.' }, change: 'material', ...input },
    latest,
    now: NOW,
  });
}

/** The DomainError `prepare` throws, as { code, message, details }. */
function rejection(input: Partial<PublishInput>, latest: Revision | null = null) {
  try {
    prepare(input, latest);
  } catch (e) {
    const { code, message, details } = e as { code: string; message: string; details: unknown };
    return { code, message, details };
  }
  return expect.unreachable('expected prepareRevision to throw');
}

describe('prepareRevision rules', () => {
  it('puts the horizon exactly five calendar years ahead', () => {
    expect(effectiveAtHorizon(NOW).toISOString()).toBe('2031-03-01T10:00:00.000Z');
    expect(effectiveAtHorizon(new Date('2028-02-29T00:00:00.000Z')).toISOString()).toBe(
      '2033-03-01T00:00:00.000Z',
    );
  });

  it('accepts a text of exactly MAX_TEXT_BYTES after normalisation and refuses one byte more', () => {
    // Normalisation ends the text with one line feed.
    expect(prepare({ texts: { en: 'a'.repeat(MAX_TEXT_BYTES - 1) } }).texts.en).toHaveLength(MAX_TEXT_BYTES);
    expect(rejection({ texts: { en: 'a'.repeat(MAX_TEXT_BYTES) } })).toEqual({
      code: 'VALIDATION_FAILED',
      message: `the revision is not valid: texts.en text exceeds ${MAX_TEXT_BYTES} bytes after normalisation`,
      details: [{ path: 'texts.en', message: `text exceeds ${MAX_TEXT_BYTES} bytes after normalisation` }],
    });
  });

  it(`needs between 1 and ${MAX_LOCALES} locales`, () => {
    const texts = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${'abcdefghij'[i]}`, 'x']));
    expect(prepare({ texts: texts(MAX_LOCALES) }).revision.locales).toHaveLength(MAX_LOCALES);
    const message = `between 1 and ${MAX_LOCALES} locales are required`;
    expect(rejection({ texts: texts(MAX_LOCALES + 1) })).toEqual({
      code: 'VALIDATION_FAILED',
      message: `the revision is not valid: texts ${message}`,
      details: [{ path: 'texts', message }],
    });
    expect(rejection({ texts: {} }).details).toEqual([{ path: 'texts', message }]);
  });

  it('lists every problem at once, joined by "; "', () => {
    const v1 = prepare({ texts: { en: 'Privacy.', vi: 'Riêng tư.' } }).revision;
    expect(rejection({ texts: { en: ' ' }, effectiveAt: '2020-01-01T00:00:00.000Z' }, v1)).toEqual({
      code: 'VALIDATION_FAILED',
      message:
        'the revision is not valid: texts.en text is empty; texts.vi locale vi of version 1 must be kept; ' +
        'effectiveAt effectiveAt must not be in the past; ' +
        `effectiveAt effectiveAt must not be earlier than version 1's (${NOW.toISOString()})`,
      details: [
        { path: 'texts.en', message: 'text is empty' },
        { path: 'texts.vi', message: 'locale vi of version 1 must be kept' },
        { path: 'effectiveAt', message: 'effectiveAt must not be in the past' },
        {
          path: 'effectiveAt',
          message: `effectiveAt must not be earlier than version 1's (${NOW.toISOString()})`,
        },
      ],
    });
  });

  it('refuses a summary in a locale the revision has no text in', () => {
    expect(prepare({ summary: { en: 'What changed.' } }).revision.summary).toEqual({ en: 'What changed.' });
    expect(rejection({ summary: { en: 'What changed.', vi: 'Thay đổi.' } })).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'the revision is not valid: summary.vi summary locale has no text in this revision',
      details: [{ path: 'summary.vi', message: 'summary locale has no text in this revision' }],
    });
  });

  it('refuses a title in a locale without text, and a title that is empty once cleaned', () => {
    expect(prepare({ titles: { en: ' Privacy ' } }).revision.titles).toEqual({ en: 'Privacy' });
    expect(rejection({ titles: { vi: 'Chính sách' } })).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'the revision is not valid: titles.vi title locale has no text in this revision',
      details: [{ path: 'titles.vi', message: 'title locale has no text in this revision' }],
    });
    expect(rejection({ titles: { en: ' \t\u2028 ' } })).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'the revision is not valid: titles.en title is empty',
      details: [{ path: 'titles.en', message: 'title is empty' }],
    });
  });

  it('derives a title from the first level-1 heading with words, else from the first line', () => {
    // A list item nests at depth 1 but is no heading; an empty H1 gives no title.
    expect(deriveTitle('- first item\n\n#\n\n# Real *Title*\n', 'markdown')).toBe('Real Title');
    expect(deriveTitle('   ## Overview\n\nBody.\n', 'markdown')).toBe('Overview');
    expect(deriveTitle('#hashtag start\n\nBody.\n', 'markdown')).toBe('#hashtag start');
    expect(deriveTitle('A ## B\n', 'markdown')).toBe('A ## B');
    // Plain text is taken as written: no Markdown read into it.
    expect(deriveTitle('# Not **Markdown**\n', 'text')).toBe('# Not **Markdown**');
  });

  it('gives a locale no title when its first line has no words once its markup is read', () => {
    const { revision } = prepare({
      texts: { en: '[](https://x.example)\n\nBody.\n', vi: 'Chính sách\n' },
      format: 'markdown',
    });
    expect(revision.titles).toEqual({ vi: 'Chính sách' });
  });

  it('allows effectiveAt up to the clock-skew allowance in the past and up to the horizon ahead', () => {
    const at = (ms: number) => new Date(ms).toISOString();
    expect(prepare({ effectiveAt: at(NOW.getTime() - EFFECTIVE_AT_SKEW_MS) }).revision.effectiveAt).toBe(
      at(NOW.getTime() - EFFECTIVE_AT_SKEW_MS),
    );
    expect(rejection({ effectiveAt: at(NOW.getTime() - EFFECTIVE_AT_SKEW_MS - 1) }).details).toEqual([
      { path: 'effectiveAt', message: 'effectiveAt must not be in the past' },
    ]);
    const horizon = effectiveAtHorizon(NOW).getTime();
    expect(prepare({ effectiveAt: at(horizon) }).revision.effectiveAt).toBe(at(horizon));
    expect(rejection({ effectiveAt: at(horizon + 1) }).details).toEqual([
      {
        path: 'effectiveAt',
        message: 'effectiveAt must lie at most 5 years ahead (2031-03-01T10:00:00.000Z)',
      },
    ]);
  });

  it('checks baseVersion against the latest version (0 before the first)', () => {
    expect(prepare({ baseVersion: 0 }).revision.version).toBe(1);
    expect(rejection({ baseVersion: 1 })).toEqual({
      code: 'VERSION_CONFLICT',
      message: 'baseVersion 1 is not the latest version (0)',
      details: [],
    });
    const v1 = prepare({}).revision;
    expect(prepare({ texts: { en: 'Privacy v2.' }, baseVersion: 1 }, v1).revision.version).toBe(2);
    expect(rejection({ texts: { en: 'Privacy v2.' }, baseVersion: 0 }, v1)).toMatchObject({
      code: 'VERSION_CONFLICT',
      message: 'baseVersion 0 is not the latest version (1)',
    });
  });

  it('refuses unchanged texts, but not a new locale or a new format', () => {
    const v1 = prepare({}).revision;
    expect(rejection({}, v1)).toEqual({
      code: 'NO_CHANGES',
      message: "every text equals version 1's",
      details: [],
    });
    expect(prepare({ texts: { en: 'Privacy.', vi: 'Riêng tư.' } }, v1).revision.version).toBe(2);
    expect(prepare({ format: 'markdown' }, v1).revision.format).toBe('markdown');
  });
});
