/**
 * What the Lambda bundles get for `linkify-it` (an alias in lib/bundling.ts). markdown-it imports it and
 * builds one LinkifyIt per parser, but the service's only parser (functions/domain/document/markdown.ts
 * `createMarkdownParser`) turns linkify off, and markdown-it consults it only when linkify is on: the
 * real module (its link-detection tables and regexes, about 16 KB with its Unicode classes) would be
 * compiled at every cold start and never run. Should a parser ever turn linkify on, every call here
 * fails loudly instead of silently linking nothing.
 */
const off = (): never => {
  throw new Error('linkify-it is not bundled: markdown parsers run with linkify: false');
};

export class LinkifyIt {
  test = off;
  pretest = off;
  testSchemaAt = off;
  match = off;
  matchAtStart = off;
  tlds = off;
  add = off;
  set = off;
  onCompile = off;
  normalize = off;
}
