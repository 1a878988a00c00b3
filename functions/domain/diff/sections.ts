import { type DocumentFormat, type DocumentModel, documentModel } from '../document';
import type { DocSection } from '../document/types';
import type { Section } from './types';

export { MAX_HEADING_LENGTH, PREAMBLE_KEY, slug } from '../document/rules';

/** A section plus what the aligner needs (reader-text line ranges, normalised title). */
export interface SectionInfo extends Section, DocSection {
  heading: string | null;
}

/** Section infos of the models in the parse cache (a model is immutable, so are they). */
const infosOf = new WeakMap<DocumentModel, SectionInfo[]>();

/**
 * The sections of a parsed document with their reader texts (heading line + body), computed once per
 * model. Callers must not mutate them.
 */
export function sectionInfos(model: DocumentModel): SectionInfo[] {
  let infos = infosOf.get(model);
  if (infos === undefined) {
    const { reader, readerStarts: starts } = model;
    // Built field by field: one object shape (an object spread here made slow objects, and every later
    // property read on them slower).
    infos = model.sections.map((s) => {
      const text = reader.slice(starts[s.fromLine]!, starts[s.toLine]!);
      return {
        key: s.key,
        title: s.title,
        heading: s.heading,
        rawTitle: s.rawTitle,
        fromLine: s.fromLine,
        toLine: s.toLine,
        contentFrom: s.contentFrom,
        contentTo: s.contentTo,
        srcFrom: s.srcFrom,
        srcTo: s.srcTo,
        text,
        body: s.heading === null ? text : reader.slice(starts[s.fromLine + 1]!, starts[s.toLine]!),
      };
    });
    infosOf.set(model, infos);
  }
  return infos;
}

/**
 * Splits a policy into sections following its own headings (see `plainSections` for plain text and
 * `parseMarkdown` for Markdown).
 *
 * Keys are the heading's number when numbered (`Section 3.2 Cookies` → `3.2`), else a slug of its title,
 * made unique in document order by suffixing `#2`, `#3`, … to repeats. The text before the first heading
 * (if any) is the preamble: key `preamble`, title its first non-empty line (or ''). `title` is the
 * heading's plain text without its number/marker and trailing `:`; a heading with no text after its
 * marker (`Chương II`) is titled by the whole heading.
 *
 * `text` is the section as a reader sees it (heading line + body): for plain text the source itself, so
 * the sections' texts concatenate to the input; for Markdown the reader text (markup resolved).
 */
export function splitSections(text: string, format: DocumentFormat = 'text'): Section[] {
  return sectionInfos(documentModel(text, format)).map(({ key, title, heading, body, text }) => ({
    key,
    title,
    heading,
    body,
    text,
  }));
}
