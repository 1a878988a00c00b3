import { afterAll, describe, expect, it } from 'vitest';
import { hasJava, startDynamoDbLocal } from '../support/dynamodb-local';
import { storesOn } from '../support/stores';
import { storeContract } from './store-contract';

let stop: (() => Promise<void>) | undefined;
afterAll(async () => stop?.());

// DESIGN.md: the official DynamoDB Local runs too when java is on the machine (.ci/run installs it).
if (hasJava) {
  storeContract('DynamoDB Local', async () => {
    const local = await startDynamoDbLocal();
    stop = local.stop;
    return storesOn(local.endpoint);
  });
} else {
  describe('storage contract: DynamoDB Local', () => {
    it('needs java, which CI installs', () => {
      expect(process.env.CI, 'java must be present in CI').not.toBe('true');
    });
  });
}
