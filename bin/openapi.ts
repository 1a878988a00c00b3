/**
 * Writes docs/openapi.json from the route table and the contract (`npm run openapi`). Commit the result:
 * test/unit/openapi.test.ts fails while the committed document differs from the generated one.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedDocumentText } from '../functions/http/openapi';

const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
writeFileSync(target, generatedDocumentText());
console.log(`wrote ${target}`);
