import { readFileSync } from 'node:fs';

/** Reads one of the project's example policies (`examples/`, see examples/README.md). */
export function example(name: string): string {
  return readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');
}

/**
 * `text` with the one occurrence of `from` replaced by `to`. Throws when `from` is missing or repeated, so
 * an example edited later breaks the test that edits it instead of silently testing an unchanged text.
 */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0)
    throw new Error(`edit: ${JSON.stringify(from)} must occur exactly once (found ${at < 0 ? 0 : '2+'})`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** Sao Mai Digital's privacy policy, revision 1 (Vietnamese, plain text): preamble + 12 sections + 26 subsections. */
export const fixtureVi = example('privacy-policy.vi.txt');
/** The same policy in English. */
export const fixtureEn = example('privacy-policy.en.txt');
/** Revision 2 (examples/README.md lists its changes): new section 7, later ones renumbered, four edits. */
export const fixtureViV2 = example('privacy-policy-v2.vi.txt');
export const fixtureEnV2 = example('privacy-policy-v2.en.txt');

/** A revision of the fixture: two words inserted in one sentence of subsection 6.1 ("Nhà cung cấp dịch vụ"). */
export const fixtureViRevised = edit(fixtureVi, 'có nghĩa vụ bảo mật.', 'có nghĩa vụ bảo mật nghiêm ngặt.');

/** A two-section English policy and its revision (one sentence extended): the notification tests' campaign. */
export const TEXTS_V1 = { en: '1. Scope\n\nAll services.\n\n2. Data\n\nWe keep your email.\n' };
export const TEXTS_V2 = { en: '1. Scope\n\nAll services.\n\n2. Data\n\nWe keep your email and name.\n' };

/**
 * The public pages' history: privacy v1 (material) → v2 (material, new section 7, summaries in both
 * languages) → v3 (minor, one retention edit), and a Vietnamese-only policy `vionly`. `publish`
 * stores one revision (and checks it was stored).
 */
export async function publishPrivacyHistory(publish: (policyId: string, body: unknown) => Promise<void>) {
  await publish('privacy', { texts: { vi: fixtureVi, en: fixtureEn }, change: 'material' });
  await publish('privacy', {
    texts: { vi: fixtureViV2, en: fixtureEnV2 },
    change: 'material',
    summary: { vi: 'Thêm mục 7 về dữ liệu của trẻ em', en: "New section 7 on children's data" },
  });
  await publish('privacy', {
    texts: { vi: edit(fixtureViV2, '18 tháng sau', '24 tháng sau'), en: fixtureEnV2 },
    change: 'minor',
    summary: { vi: 'Sửa thời hạn lưu trữ', en: 'Retention corrected' },
  });
  await publish('vionly', { texts: { vi: fixtureVi }, change: 'material' });
}
