/**
 * The OpenAPI document as the read function serves it at `GET /openapi.json`: the generated document
 * (docs/openapi.json), minified and deflated into one base64 string in openapi-document.generated.ts,
 * written by `npm run openapi` and kept equal to the generator's output by a test. The Lambda bundle
 * carries neither zod's JSON Schema converter nor the contract; a short string costs next to nothing to
 * load (an object literal added measurable import time), and it is inflated once, on the first request.
 */

import { inflateRawSync } from 'node:zlib';
import { withoutTrailingSlashes } from '../domain/text';
import packed from './openapi-document.generated';

const served = new Map<string, string>();
let documentText: string | undefined;

/** The document as JSON text, with the deployment's public base URL as its `servers` entry when there is one. */
export function servedDocument(publicBaseUrl: string | undefined): string {
  documentText ??= inflateRawSync(Buffer.from(packed, 'base64')).toString('utf8');
  if (!publicBaseUrl) return documentText;
  let text = served.get(publicBaseUrl);
  if (text === undefined) {
    // The generated document starts with `{"openapi":`: `servers` goes first without parsing it.
    const servers = JSON.stringify([{ url: withoutTrailingSlashes(publicBaseUrl) }]);
    text = `{"servers":${servers},${documentText.slice(1)}`;
    served.set(publicBaseUrl, text);
  }
  return text;
}
