/**
 * The storage contract on the official DynamoDB Local (DESIGN.md: a second, stricter implementation of
 * the DynamoDB API). It runs whenever java is on the machine (.ci/run installs it); without java the
 * suite is reported skipped, its name saying why, and in CI that fails the run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hasJava, startDynamoDbLocal } from '../support/dynamodb-local';
import { storesOn } from '../support/stores';
import { storeContract } from './store-contract';

let stop: (() => Promise<void>) | undefined;
afterAll(async () => stop?.());

describe.skipIf(!hasJava)(
  hasJava ? 'DynamoDB Local' : 'DynamoDB Local (skipped: no java on this machine; CI installs it)',
  () => {
    storeContract('DynamoDB Local', async () => {
      const local = await startDynamoDbLocal();
      stop = local.stop;
      return storesOn(local.endpoint);
    });
  },
);

// In CI a missing java is a failure, not a skip.
if (!hasJava && process.env.CI === 'true')
  describe('DynamoDB Local in CI', () => {
    it('has java, which CI installs', () => {
      expect(hasJava, 'java must be present in CI').toBe(true);
    });
  });
