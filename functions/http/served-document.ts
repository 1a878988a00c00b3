/**
 * The OpenAPI document as the read function serves it at `GET /openapi.json`: the generated document
 * (docs/openapi.json) as one string literal in openapi-document.generated.ts, written by `npm run openapi`
 * and kept equal to the generator's output by a test. The Lambda bundle carries neither zod's JSON
 * Schema converter nor the contract, and a string costs next to nothing to load, where the same document
 * as an object literal added measurable import time.
 */
import { withoutTrailingSlashes } from '../domain/text';
import documentText from './openapi-document.generated';

const served = new Map<string, string>();

/** The document as JSON text, with the deployment's public base URL as its `servers` entry when there is one. */
export function servedDocument(publicBaseUrl: string | undefined): string {
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
