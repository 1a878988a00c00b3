/**
 * Writes docs/openapi.json (and the copy the read function serves) from the route table and the contract (`npm run openapi`). Commit the result:
 * test/unit/openapi.test.ts fails while the committed document differs from the generated one.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedDocumentText, generatedServedModule } from '../functions/http/openapi';

const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
writeFileSync(target, generatedDocumentText());
const served = fileURLToPath(new URL('../functions/http/openapi-document.generated.ts', import.meta.url));
writeFileSync(served, generatedServedModule());
console.log(`wrote ${target} and ${served}`);
