import { createDocumentClient, createDynamoClient } from '../adapters/dynamodb/client';
import type { Locations } from './env';
import type { Db } from './stores';

let doc: ReturnType<typeof createDocumentClient> | undefined;

/** The process's document client (DYNAMODB_ENDPOINT, AWS_REGION) on the function's tables. */
export function lambdaDb(locations: Locations): Db {
  doc ??= createDocumentClient(
    createDynamoClient({ endpoint: locations.dynamodbEndpoint, region: locations.region }),
  );
  return { doc, tables: locations.tables };
}
