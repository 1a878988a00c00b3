/**
 * The OpenAPI document as the read function serves it at `GET /openapi.json`: the committed, generated
 * docs/openapi.json (a test keeps it equal to what functions/http/openapi.ts generates), so the Lambda
 * bundle carries neither zod's JSON Schema converter nor the contract, only the document.
 */
import document from '../../docs/openapi.json';

/** `servers` names the deployment's public base URL when there is one. */
export function withServers<D extends object>(doc: D, publicBaseUrl: string | undefined) {
  return publicBaseUrl ? { ...doc, servers: [{ url: publicBaseUrl.replace(/\/+$/, '') }] } : doc;
}

const served = new Map<string, string>();
/** The document as JSON text, built once per base URL. */
export function servedDocument(publicBaseUrl: string | undefined): string {
  const key = publicBaseUrl ?? '';
  let text = served.get(key);
  if (text === undefined) {
    text = JSON.stringify(withServers(document, publicBaseUrl));
    served.set(key, text);
  }
  return text;
}
