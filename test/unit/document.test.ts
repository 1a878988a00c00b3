import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { diffPolicyTexts, splitSections, unifiedDiff } from '../../functions/domain/diff/index';
import { sectionInfos } from '../../functions/domain/diff/sections';
import { tokenize } from '../../functions/domain/diff/tokens';
import {
  createMarkdownParser,
  documentModel,
  HEADING_FAMILIES,
  headingId,
  parseDocument,
  plainText,
} from '../../functions/domain/document/index';
import {
  inlineTokens,
  isPlainWebUrl,
  markdownTokens,
  parseMarkdown,
  parseMarkdownWithTokens,
  scanBlockLines,
  streamBlocks,
  streamMarkdownTokens,
} from '../../functions/domain/document/markdown';
import { normalizeText } from '../../functions/domain/text';

const keysAndTitles = (text: string, format: 'markdown' | 'text' = 'text') =>
  splitSections(text, format).map((s) => [s.key, s.title]);
const changedWords = (oldText: string, newText: string, format: 'markdown' | 'text') =>
  diffPolicyTexts(oldText, newText, format)
    .sections.flatMap((s) => s.changes ?? [])
    .filter((op) => op.op !== 'equal' && op.text.trim() !== '');

/** Texts of up to 30 Markdown pieces: every syntax character, and blocks that interact (lists, quotes, tables, references). */
const markdownPieces = (bulletLists: boolean) =>
  fc.array(
    fc.constantFrom(
      ...'\n!#$%&*+-:<=>@[\\]^_`{}~|.,;()"\' \taZ9ä',
      'a b',
      '## 1',
      '**B**',
      '\n\n',
      '1. ',
      ...(bulletLists ? ['- '] : []),
      '> ',
      '| a |\n|---|\n| b |\n',
      '[r]: /u\n',
    ),
    { maxLength: 30 },
  );

describe('headingId', () => {
  it('keeps letters, marks, digits, dots, underscores and hyphens and turns every other run into one hyphen', () => {
    const reference = (key: string) => `s-${key.replace(/[^\p{L}\p{M}\p{N}._-]+/gu, '-')}`;
    for (const key of ['4.1', 'preamble', 'a_b-c', '', 'Điều 3', 'a#2', 'x  y', 'e\u0301', '第一条', 'A.B/C'])
      expect(headingId(key)).toBe(reference(key));
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (key) => {
        expect(headingId(key)).toBe(reference(key));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('plain-text heading families', () => {
  it('lists each family once in one table', () => {
    const names = HEADING_FAMILIES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    ['1. Scope', '1', 'Scope'],
    ['1.1 Terms', '1.1', 'Terms'],
    ['2.3.4. Deep', '2.3.4', 'Deep'],
    ['1\\. Escaped', '1', 'Escaped'],
    ['1) Paren', '1', 'Paren'],
    ['IV. Roman', 'IV', 'Roman'],
    ['B. Letter', 'B', 'Letter'],
    ['(a) Parenthesised', 'a', 'Parenthesised'],
    ['Điều 3. Phạm vi', '3', 'Phạm vi'],
    ['Chương II: Quy định chung', 'II', 'Quy định chung'],
    ['Mục 2 - Thu thập', '2', 'Thu thập'],
    ['Khoản 1. Định nghĩa', '1', 'Định nghĩa'],
    ['Article 3 – Scope', '3', 'Scope'],
    ['Section 3.2 Cookies', '3.2', 'Cookies'],
    ['§ 3 Data', '3', 'Data'],
    ['Part II. Rights', 'II', 'Rights'],
  ])('reads `%s` as key %s, title %s', (heading, key, title) => {
    expect(keysAndTitles(`Intro text here.\n\n${heading}\n\nBody of the section.\n`)).toEqual([
      ['preamble', 'Intro text here.'],
      [key, title],
    ]);
  });

  it('reads an all-caps or Title Case line between blank lines as a heading (not the first line)', () => {
    const text =
      'PRIVACY POLICY\n\nWe care.\n\nDEFINITIONS\n\nWords mean things here.\n\nYour Rights\n\nYou may ask us anything.\n';
    expect(keysAndTitles(text)).toEqual([
      ['preamble', 'PRIVACY POLICY'],
      ['definitions', 'DEFINITIONS'],
      ['your-rights', 'Your Rights'],
    ]);
  });

  it('keeps a column-0 numbered list inside its section (restart at 1, adjacent items)', () => {
    const text = [
      '1. Data we collect',
      '',
      'We collect:',
      '1. your name,',
      '2. your e-mail address',
      '3. your phone number',
      '',
      '2. How we use it',
      '',
      'To serve you.',
      '',
    ].join('\n');
    const sections = splitSections(text);
    expect(sections.map((s) => s.key)).toEqual(['1', '2']);
    expect(sections[0]!.body).toContain('2. your e-mail address');
  });

  it('does not flip the whole document to another mode because of one heading', () => {
    const text = 'Article 1 Scope\n\nA.\n\n1. Terms\n\nB.\n\n2. Rights\n\nC.\n';
    expect(keysAndTitles(text).map(([k]) => k)).toEqual(['1', '1#2', '2']);
  });
});

describe('Markdown headings', () => {
  it('finds ATX, setext and bold-only heading lines, keyed by number or slug, titles plain', () => {
    const text = [
      'Preamble paragraph.',
      '',
      'Privacy Policy',
      '==============',
      '',
      'Intro.',
      '',
      '## 1\\. Scope',
      '',
      'Text.',
      '',
      '**4.1 Title**',
      '',
      'Text.',
      '',
      '**Section 3 — Cookies**',
      '',
      'Text.',
      '',
      'Contact',
      '-------',
      '',
      '**This is a bold sentence, not a heading.**',
      '',
    ].join('\n');
    expect(keysAndTitles(text, 'markdown')).toEqual([
      ['preamble', 'Preamble paragraph.'],
      ['privacy-policy', 'Privacy Policy'],
      ['1', 'Scope'],
      ['4.1', 'Title'],
      ['3', 'Cookies'],
      ['contact', 'Contact'],
    ]);
  });

  it('never makes a list item a section, and keeps it in the reader text with its number', () => {
    const text = '# Title\n\n1. first\n2. second\n\n* bullet *one*\n';
    const model = parseDocument(text, 'markdown');
    expect(model.sections.map((s) => s.key)).toEqual(['title']);
    expect(model.reader).toBe('Title\n1. first\n2. second\nbullet one\n');
    expect(model.parserHeadings).toBe(1);
  });
});

describe('reader-text diff of Markdown', () => {
  const base = [
    'Privacy Policy',
    '==============',
    '',
    'We keep **your** data for 15.5 days.',
    '',
    '### **4.1 Retention**',
    '',
    '* one item',
    '* another item',
    '',
    '1\\. Numbered paragraph',
    '',
  ].join('\n');

  it.each([
    ['setext → ATX', base.replace('Privacy Policy\n==============', '# Privacy Policy')],
    ['`*` → `-` list markers', base.replace(/^\* /gm, '- ')],
    ['bold heading ↔ ###', base.replace('### **4.1 Retention**', '**4.1 Retention**')],
    ['escaped number → list', base.replace('1\\. Numbered paragraph', '1. Numbered paragraph')],
    ['emphasis removed', base.replace('**your**', 'your')],
  ])(
    'reports a markup-only edit (%s) as formatting: no changed words, nothing added or removed',
    (_, edited) => {
      const d = diffPolicyTexts(base, edited, 'markdown');
      expect(d.stats.sectionsChanged).toBe(0);
      expect(d.stats.formattingOnly).toBe(true);
      expect(d.sections.every((s) => s.status === 'unchanged')).toBe(true);
      expect(changedWords(base, edited, 'markdown')).toEqual([]);
    },
  );

  it('reports a changed number as one replaced token: 15.5 → 15.47', () => {
    const d = diffPolicyTexts(base, base.replace('15.5', '15.47'), 'markdown');
    expect(d.sections.flatMap((s) => s.changes ?? []).filter((o) => o.op !== 'equal')).toEqual([
      { op: 'delete', text: '15.5' },
      { op: 'insert', text: '15.47' },
    ]);
  });

  it('keeps numbers, dates, URLs and e-mail addresses as single tokens', () => {
    expect(tokenize('15.47 1,000.50 2026-01-05 10:30')).toEqual([
      '15.47',
      ' ',
      '1,000.50',
      ' ',
      '2026-01-05',
      ' ',
      '10:30',
    ]);
    // URL and e-mail starts in any case, and the words that only look like one.
    expect(tokenize('HTTP://X.TEST/A WWW.x.test htt. www- hi data-team@x.test. end.')).toEqual([
      'HTTP://X.TEST/A',
      ' ',
      'WWW.x.test',
      ' ',
      'htt',
      '.',
      ' ',
      'www',
      '-',
      ' ',
      'hi',
      ' ',
      'data-team@x.test',
      '.',
      ' ',
      'end',
      '.',
    ]);
    expect(tokenize('see https://example.com/a?b=1. or mail privacy.team@example.co.uk.')).toEqual([
      'see',
      ' ',
      'https://example.com/a?b=1',
      '.',
      ' ',
      'or',
      ' ',
      'mail',
      ' ',
      'privacy.team@example.co.uk',
      '.',
    ]);
  });

  it('reports exactly the one edited word in a 200 KB single-section document', () => {
    const words = Array.from({ length: 40_000 }, (_, i) => `w${i % 997}x${i}`);
    expect(words[20_000]).toBe('w60x20000');
    const oldText = normalizeText(words.join(' '));
    expect(oldText.length).toBeGreaterThan(200_000);
    const newText = oldText.replace(' w60x20000 ', ' changed ');
    const d = diffPolicyTexts(oldText, newText, 'text');
    expect(d.sections).toHaveLength(1);
    expect(d.sections[0]!.status).toBe('modified');
    expect(d.sections[0]!.changes!.filter((o) => o.op !== 'equal')).toEqual([
      { op: 'delete', text: 'w60x20000' },
      { op: 'insert', text: 'changed' },
    ]);
  });
});

describe('reader-text diff properties (fast-check)', () => {
  const word = fc.constantFrom('data', 'privacy', 'cookies', 'rights', 'we', 'you', '15.5', 'dữ liệu');
  const sentence = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));
  const block = fc.record({
    kind: fc.constantFrom('heading', 'para', 'bullets', 'bold'),
    text: sentence,
    items: fc.array(sentence, { minLength: 1, maxLength: 3 }),
  });
  const doc = fc.array(block, { minLength: 1, maxLength: 8 });
  type Block = { kind: string; text: string; items: string[] };
  /** Renders the same words with one markup style or the other. */
  const render = (blocks: Block[], style: 0 | 1) =>
    `${blocks
      .map((b) => {
        if (b.kind === 'heading')
          return style === 0 ? `## ${b.text}` : `${b.text}\n${'-'.repeat(b.text.length)}`;
        if (b.kind === 'bold') return style === 0 ? `**${b.text}**` : `### ${b.text}`;
        if (b.kind === 'bullets') return b.items.map((i) => `${style === 0 ? '*' : '-'} ${i}`).join('\n');
        return style === 0 ? b.text : b.text.replace(/^(\S+)/, '*$1*');
      })
      .join('\n\n')}\n`;

  it('a markup-only transformation of any generated document is formatting-only', () => {
    fc.assert(
      fc.property(doc, (blocks) => {
        const d = diffPolicyTexts(render(blocks, 0), render(blocks, 1), 'markdown');
        expect(d.stats.sectionsChanged).toBe(0);
        expect(d.sections.flatMap((s) => s.changes ?? [])).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('the ops rebuild both reader texts (changed sections in order, unchanged ones as they are)', () => {
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        const oldText = render(a, 0);
        const newText = render(b, 1);
        const d = diffPolicyTexts(oldText, newText, 'markdown');
        const newModel = parseDocument(normalizeText(newText), 'markdown');
        const newByKey = new Map(
          splitSections(normalizeText(newText), 'markdown').map((s) => [s.key, s.text]),
        );
        let rebuiltNew = '';
        for (const s of d.sections) {
          if (s.status === 'removed') continue;
          if (s.status === 'unchanged') rebuiltNew += newByKey.get(s.key);
          else
            rebuiltNew += s
              .changes!.filter((o) => o.op !== 'delete')
              .map((o) => o.text)
              .join('');
        }
        expect(rebuiltNew).toBe(newModel.reader);
        const oldReader = parseDocument(normalizeText(oldText), 'markdown').reader;
        for (const s of d.sections) {
          if (s.status === 'unchanged') continue;
          expect(oldReader).toContain(
            s
              .changes!.filter((o) => o.op !== 'insert')
              .map((o) => o.text)
              .join(''),
          );
        }
      }),
      { numRuns: 150 },
    );
  });
});

/** Whether an inline token is a table cell's (a row's cells are one block without inline source). */
function tokensInRow(tokens: readonly { type: string }[], t: { type: string }): boolean {
  let inRow = false;
  for (const x of tokens) {
    if (x.type === 'tr_open') inRow = true;
    else if (x.type === 'tr_close') inRow = false;
    else if (x === t) return inRow;
  }
  return false;
}

describe('the Markdown parser (fast token construction)', () => {
  const stock = () => {
    const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false });
    const validate = md.validateLink.bind(md);
    md.validateLink = (url: string) => validate(url) && !/^\s*data:/i.test(url);
    return md;
  };
  const sample = [
    readFileSync(new URL('../../examples/privacy-policy-v2.en.md', import.meta.url), 'utf8'),
    '# T\n\nSetext\n===\n\n> quote *em* **strong** `code` [l](https://x.test "t") ![i](y.png)\n',
    '1. one\n2. two\n   - nested\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n```js\nx\n```\n',
    'a  \nhard break\\\nand &amp; entity <b>raw</b> [bad](javascript:x) [d](data:x) ~~s~~\n\n---\n',
    '[ref]: https://r.test\n\nUse [ref] and [text][ref].\n',
  ].join('\n');

  it('produces exactly the tokens of the stock markdown-it parser, with its Token prototype', () => {
    const fast = createMarkdownParser();
    const ours = fast.parse(sample, {});
    expect(JSON.stringify(ours)).toBe(JSON.stringify(stock().parse(sample, {})));
    expect(ours[0]).toBeInstanceOf(MarkdownIt.Token);
    expect(ours.find((t) => t.type === 'inline')!.children![0]).toBeInstanceOf(MarkdownIt.Token);
    expect(fast.render(sample)).toBe(stock().render(sample));
  });

  it('keeps no tokens in the model, and gives each block its inline tokens and the whole text its tokens again', () => {
    const { model, tokens } = parseMarkdownWithTokens(sample);
    expect(Object.keys(model)).not.toContain('tokens');
    // A fresh parse: the same tokens (heading ids set), not the same objects.
    const again = markdownTokens(model);
    expect(again).not.toBe(tokens);
    expect(JSON.stringify(again)).toBe(JSON.stringify(tokens));
    // Each block with inline content, parsed alone (reference links included), gives the children its
    // inline token had in the whole parse, in block order.
    const inlines = tokens.filter((t) => t.type === 'inline' && !tokensInRow(tokens, t));
    const withInline = model.blocks.filter((b) => b.inline !== null);
    expect(withInline.length).toBeGreaterThan(5);
    const byContent = new Map(inlines.map((t) => [t.content, JSON.stringify(t.children)]));
    for (const block of withInline)
      expect(JSON.stringify(inlineTokens(model, block))).toBe(byContent.get(block.inline!));
    expect(withInline.some((b) => inlineTokens(model, b).some((t) => t.type === 'link_open'))).toBe(true);
    expect(
      inlineTokens(model, withInline.find((b) => b.inline!.startsWith('Use [ref]'))!).filter(
        (t) => t.type === 'link_open',
      ),
    ).toHaveLength(2);
    expect(
      model.blocks.filter((b) => b.kind === 'code' || b.kind === 'row').every((b) => b.inline === null),
    ).toBe(true);
  });

  it('builds the same model whether the inline content is parsed with the blocks or block by block', () => {
    expect(parseMarkdown(sample)).toEqual(parseMarkdownWithTokens(sample).model);
    fc.assert(
      fc.property(markdownPieces(false), (parts) => {
        const text = parts.join('');
        expect(parseMarkdown(text)).toEqual(parseMarkdownWithTokens(text).model);
      }),
      { numRuns: 1500 },
    );
  });

  it('hands the block tokens over one whole top-level block at a time, exactly the stock block parse', () => {
    const blocksOnly = () => {
      const md = stock();
      md.core.ruler.disable(['inline', 'text_join']);
      return md;
    };
    const streamed = (text: string) => {
      const chunks: unknown[][] = [];
      const env = {};
      streamBlocks(text, env, (tokens) => {
        chunks.push(tokens);
        return true;
      });
      return { chunks, env };
    };
    const expectSame = (text: string) => {
      const env = {};
      const whole = blocksOnly().parse(text, env);
      const { chunks, env: ours } = streamed(text);
      expect(JSON.stringify(chunks.flat())).toBe(JSON.stringify(whole));
      expect(ours).toEqual(env);
      // Every chunk is balanced and starts at nesting level 0: one whole top-level block.
      for (const chunk of chunks) {
        expect((chunk[0] as { level: number }).level).toBe(0);
        let depth = 0;
        for (const t of chunk as { nesting: number }[]) depth += t.nesting;
        expect(depth).toBe(0);
      }
      return chunks.length;
    };
    expect(expectSame(sample)).toBeGreaterThan(10);
    // Lazy continuation lines, loose and tight lists, a quote running on, a fence with blank lines.
    expectSame('- a\nb\n\n- c\n\n  d\n> q\nlazy\n\n```\nx\n\n\ny\n```\n    code\n\n    more\n# h\n');
    const chars = [...'\n!#*+-:<>[\\]_`~|. \taZ9'];
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            ...chars,
            'a b',
            '## 1',
            '\n\n',
            '1. ',
            '- ',
            '> ',
            '    ',
            '```\n',
            '| a |\n|---|\n',
            '[r]: /u\n',
            '[r]',
          ),
          { maxLength: 40 },
        ),
        (parts) => {
          expectSame(parts.join(''));
        },
      ),
      { numRuns: 1500 },
    );
    // A sink that answers false ends the parse after that block.
    const firstOnly: unknown[][] = [];
    streamBlocks('# a\n\nb\n\nc\n', {}, (tokens) => {
      firstOnly.push(tokens);
      return false;
    });
    expect(firstOnly).toHaveLength(1);
    expect((firstOnly[0]![0] as { type: string }).type).toBe('heading_open');
  });

  it('gives the whole text tokens as one stock parse does, read block by block (heading ids aside)', () => {
    const unmarked = (tokens: ReturnType<typeof markdownTokens>) =>
      JSON.stringify(tokens, (key, value) => {
        if (key === 'meta' && value !== null && typeof value === 'object' && 'heading' in value) return null;
        if (key === 'attrs' && Array.isArray(value)) {
          const rest = value.filter(([name]: [string]) => name !== 'id');
          return rest.length === 0 ? null : rest;
        }
        return value;
      });
    const check = (text: string) => {
      const model = parseMarkdown(text);
      const ours = markdownTokens(model);
      expect(unmarked(ours)).toBe(JSON.stringify(createMarkdownParser().parse(text, {})));
      const marked = ours.filter((t) => (t.meta as { heading?: number } | null)?.heading !== undefined);
      expect(marked.map((t) => (t.meta as { heading: number }).heading)).toEqual(marked.map((_, h) => h));
      expect(marked).toHaveLength(model.sections.filter((s) => s.heading !== null).length);
      // Streamed: the same tokens, block by block, until the sink stops.
      const streamed: unknown[] = [];
      streamMarkdownTokens(model, (block) => {
        streamed.push(...block);
        return true;
      });
      expect(unmarked(streamed as typeof ours)).toBe(unmarked(ours));
    };
    check(sample);
    check('**Bold heading**\n\ntext [r]\n\n| a | *b* |\n|---|---|\n| [r] | `c` |\n\n[r]: /x\n');
    fc.assert(
      fc.property(markdownPieces(true), (parts) => check(parts.join(''))),
      { numRuns: 1000 },
    );
  });

  it('builds the line tables of the stock block state', () => {
    const md = stock();
    const tables = (st: Record<string, unknown>) =>
      JSON.stringify([
        ...(['bMarks', 'eMarks', 'tShift', 'sCount', 'bsCount'] as const).map((k) =>
          Array.from(st[k] as ArrayLike<number>),
        ),
        st.lineMax,
      ]);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(' ', '\t', '\n', 'a', '#', '\u3000', '  \t'), { maxLength: 40 }),
        (parts) => {
          const text = parts.join('');
          const ours = { bMarks: [], eMarks: [], tShift: [], sCount: [], bsCount: [], lineMax: 0 };
          scanBlockLines(ours, text);
          const theirs = new md.block.State(text, md, {}, []) as unknown as Record<string, unknown>;
          expect(tables(ours)).toBe(tables(theirs));
          const fast = createMarkdownParser();
          expect(tables(new fast.block.State(text, fast, {}, []) as unknown as Record<string, unknown>)).toBe(
            tables(theirs),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads a reference defined after its use as the stock parser does, block by block', () => {
    const text = 'See [the terms][t] and [t].\n\n- item [t]\n\n[t]: https://t.test "T"\n';
    expect(parseMarkdown(text)).toEqual(parseMarkdownWithTokens(text).model);
    expect(parseMarkdown(text).references).toEqual({ T: { href: 'https://t.test', title: 'T' } });
    expect(parseMarkdown(text).reader).toContain('See the terms and t.');
  });

  it('gives the stock tokens and HTML for any text over Markdown punctuation and plain characters', () => {
    const fast = createMarkdownParser();
    const md = stock();
    // Every character an inline rule stops at, block markers, and plain ones (a line of them is plain).
    const chars = [...'\n!#$%&*+-:<=>@[\\]^_`{}~|.,;()"\' \taZ9ä\u3000'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...chars, 'a b', '## 1', '\n\n', '1. ', '> '), { maxLength: 30 }),
        (parts) => {
          const text = parts.join('');
          expect(JSON.stringify(fast.parse(text, {}))).toBe(JSON.stringify(md.parse(text, {})));
          expect(fast.render(text)).toBe(md.render(text));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('keeps the links markdown-it would not change as they are, and normalises every other one as it does', () => {
    const md = stock();
    const plain = [
      'https://e.x/1',
      'http://example.com',
      'https://a-b.c-d.example.org/p/a;b?q=1&r=(2)#frag',
      "https://x.test/~u/it's/a+b=c,d$e!f*g@h:i",
      'https://x.test?only=query',
      'https://x.test#only-hash',
      `https://${'a'.repeat(63)}.test/`,
    ];
    const other = [
      'HTTPS://X.TEST/',
      'https://bücher.example/',
      'https://x.test/ä',
      'https://x.test/a%20b',
      'https://x.test/a%zz',
      'https://x.test/a b',
      'https://x.test/<x>',
      'https://x.test/"q"',
      'https://x.test/{a}|b^c`d\\e',
      'https://user:pw@x.test/',
      'https://x.test:8080/',
      'https://[::1]/',
      'https://x_y.test/',
      'https://a..b/',
      `https://${'a'.repeat(64)}.test/`,
      `https://${'abcdefgh.'.repeat(29)}test/`,
      ' https://x.test/',
      'mailto:a@x.test',
      'ftp://x.test/',
      '/relative/path',
      '',
    ];
    for (const url of plain) {
      expect(isPlainWebUrl(url), url).toBe(true);
      expect(md.normalizeLink(url), url).toBe(url);
    }
    for (const url of other) expect(isPlainWebUrl(url), url).toBe(false);
    const fast = createMarkdownParser();
    for (const url of [...plain, ...other]) expect(fast.normalizeLink(url), url).toBe(md.normalizeLink(url));
    // Any string over URL characters and the ones around them: the same href as markdown-it's.
    const chars = [...'aZ09-._~:/?#[]@!$&\'()*+,;=% <>"{}|\\^`ä\u00a0\u3002'];
    fc.assert(
      fc.property(
        fc.constantFrom('https://', 'http://', 'HTTP://', ''),
        fc.array(fc.constantFrom(...chars), { maxLength: 40 }),
        (scheme, rest) => {
          const url = scheme + rest.join('');
          expect(fast.normalizeLink(url)).toBe(md.normalizeLink(url));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('documentModel (parse cache)', () => {
  it('reuses the parse of a text per format, and evicts the least recently used beyond its entries', () => {
    const text = '1. Scope\n\nBody.\n';
    const asText = documentModel(text, 'text');
    expect(documentModel(text, 'text')).toBe(asText);
    const asMarkdown = documentModel(text, 'markdown');
    expect(asMarkdown).not.toBe(asText);
    expect(asMarkdown.format).toBe('markdown');
    expect(documentModel(text, 'markdown')).toBe(asMarkdown);
    // Eight other texts push both out (8 entries at most).
    for (let k = 0; k < 8; k++) documentModel(`${k}. Other\n`, 'text');
    expect(documentModel(text, 'text')).not.toBe(asText);
    expect(documentModel(text, 'text')).toEqual(asText);
  });

  it('never lets a text parsed without normalisation skip it in a diff', () => {
    const raw = '1. Scope\r\n\r\nBody.   \r\n';
    documentModel(raw, 'text'); // cached as written (CR, trailing spaces)
    const d = diffPolicyTexts(raw, '1. Scope\n\nBody.\n');
    expect(d.stats).toEqual({ linesAdded: 0, linesRemoved: 0, sectionsChanged: 0 });
    expect(d.sections).toEqual([{ key: '1', title: 'Scope', status: 'unchanged' }]);
    expect(unifiedDiff(raw, '1. Scope\n\nBody.\n', { oldLabel: 'a', newLabel: 'b' })).toBe('');
  });

  it('computes the section infos of a parsed model once', () => {
    const model = documentModel('1. Scope\n\nBody.\n\n2. Data\n\nMore.\n', 'text');
    const infos = sectionInfos(model);
    expect(sectionInfos(model)).toBe(infos);
    expect(infos.map((s) => [s.key, s.title, s.text])).toEqual([
      ['1', 'Scope', '1. Scope\n\nBody.\n\n'],
      ['2', 'Data', '2. Data\n\nMore.\n'],
    ]);
  });
});

describe('plainText', () => {
  it('strips inline markup, keeps link text, decodes entities and escapes, keeps raw HTML as text', () => {
    expect(plainText('**4.1** _Cookies_ and [our policy](https://x.test) &amp; `code` 1\\. <b>x</b>')).toBe(
      '4.1 Cookies and our policy & code 1. <b>x</b>',
    );
  });
});

describe('the example policies (examples/)', () => {
  const read = (name: string) =>
    normalizeText(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));
  const changes = (oldName: string, newName: string, format: 'markdown' | 'text') =>
    diffPolicyTexts(read(oldName), read(newName), format)
      .sections.filter((s) => s.status !== 'unchanged')
      .map((s) => [s.key, s.status, s.title]);

  it.each(['en', 'vi'])('reads the %s policy the same from Markdown and from plain text', (lang) => {
    const md = splitSections(read(`privacy-policy.${lang}.md`), 'markdown').map((s) => [s.key, s.title]);
    const txt = splitSections(read(`privacy-policy.${lang}.txt`), 'text').map((s) => [s.key, s.title]);
    // The preamble and the 38 numbered headings written at column 0 of the .txt version.
    expect(md).toHaveLength(39);
    expect(md.slice(1).map(([key]) => key)).toEqual(
      read(`privacy-policy.${lang}.txt`)
        .split('\n')
        .flatMap((line) => /^(\d+(?:\.\d+)?)\.? \S/.exec(line)?.[1] ?? []),
    );
    expect(md.slice(1)).toEqual(txt.slice(1));
    const mdChanges = changes(`privacy-policy.${lang}.md`, `privacy-policy-v2.${lang}.md`, 'markdown');
    expect(mdChanges).toEqual(changes(`privacy-policy.${lang}.txt`, `privacy-policy-v2.${lang}.txt`, 'text'));
    // v2 inserts section 7 (with 7.1 and 7.2) and renumbers the rest: nothing else is added or removed.
    expect(
      mdChanges.filter(([, status]) => status !== 'modified').map(([key, status]) => `${key}:${status}`),
    ).toEqual(['7:added', '7.1:added', '7.2:added']);
  });
});
