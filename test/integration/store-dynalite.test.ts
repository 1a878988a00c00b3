import { afterAll } from 'vitest';
import { startDynalite } from '../../bin/local/stores';
import { storesOn } from '../support/stores';
import { storeContract } from './store-contract';

let close: (() => Promise<void>) | undefined;
afterAll(async () => close?.());

storeContract('dynalite', async () => {
  const dyn = await startDynalite(undefined);
  close = dyn.close;
  return storesOn(dyn.endpoint);
});
