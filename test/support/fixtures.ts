import { readFileSync } from 'node:fs';

export const fixtureVi = readFileSync(
  new URL('../../../shared/fixtures/privacy-policy.vi.txt', import.meta.url),
  'utf8',
);

export const fixtureEn = `PRIVACY POLICY

TAGGER Co., Ltd. ("TAGGER") uses customers' confidential information in accordance with this Privacy Policy.

1. Information TAGGER receives

TAGGER receives the information below.

2. How information is collected

TAGGER collects information through this website.
`;

/** A revision of the fixture: one edited sentence in section 3. */
export const fixtureViRevised = fixtureVi.replace('quản lý nghiêm ngặt', 'quản lý rất nghiêm ngặt');
