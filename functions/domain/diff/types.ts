export type DiffOp = { op: 'equal' | 'insert' | 'delete'; text: string };

export interface SectionDiff {
  /** The new version's key for added/modified/unchanged sections; the old version's key for removed ones. */
  key: string;
  title: string;
  status: 'added' | 'removed' | 'modified' | 'unchanged';
  /** The old version's key of a modified or unchanged section, when it differs (renumbered). */
  oldKey?: string;
  /** Set on an unchanged section whose markup changed (heading style, list markers…) but not its words. */
  formattingChanged?: true;
  /**
   * Word-level changes of the section's full text (heading included):
   * - `modified`: equal/delete/insert ops; equal+delete texts concatenate to the old section text,
   *   equal+insert texts to the new one;
   * - `added`: a single insert op with the whole new section text;
   * - `removed`: a single delete op with the whole old section text;
   * - `unchanged`: absent.
   */
  changes?: DiffOp[];
}

export interface PolicyDiff {
  stats: {
    /** Lines added / removed in the line-level diff of the two whole texts (renumbered headings count). */
    linesAdded: number;
    linesRemoved: number;
    /** Sections whose status is not `unchanged`. */
    sectionsChanged: number;
    /** Set when the texts differ but no section changed a word: the edit only changed markup. */
    formattingOnly?: true;
  };
  sections: SectionDiff[];
}

export interface Section {
  /** Stable, unique within the document: see `splitSections`. */
  key: string;
  /** Heading text without its number/marker and without a trailing `:`; for the preamble its first line. */
  title: string;
  /** The heading line as written (no line break), or null for the preamble. */
  heading: string | null;
  /** Everything after the heading line, up to the next heading (for the preamble: all of its text). */
  body: string;
  /** Full text of the section, heading line included; the sections' texts concatenate to the document. */
  text: string;
}
