/**
 * Built-in wording of the change email, one entry per language. A locale whose language has no entry
 * uses the English wording (with that locale's own summary, section titles and date format).
 * Every function returns plain text; escaping for HTML and headers happens in email.ts.
 */
export interface EmailWording {
  subject(a: { material: boolean; org: string; title: string; version: number }): string;
  greeting(name: string | null): string;
  intro(a: { title: string; version: number; date: string }): string;
  firstVersion: string;
  material: string;
  minor: string;
  summaryHeading: string;
  sectionsHeading: string;
  moreSections(n: number): string;
  redline: string;
  fullText: string;
  contactHeading: string;
  phone: string;
  email: string;
  address: string;
  website: string;
  footer: string;
  /** One line when the policy has no text in the reader's language: which language it is written in. */
  availableIn(language: string): string;
}

const en: EmailWording = {
  subject: ({ material, org, title, version }) =>
    material
      ? `Important: ${org} has changed its “${title}” (version ${version})`
      : `${org} has updated its “${title}” (version ${version})`,
  greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
  intro: ({ title, version, date }) =>
    `We have updated our “${title}”. Version ${version} takes effect on ${date}.`,
  firstVersion: 'This is the first published version of this policy.',
  material:
    'This is a material change: please review it. We will ask you to confirm the new version the next time you sign in.',
  minor: 'This is a minor change: you do not need to do anything, and your earlier acceptance stays valid.',
  summaryHeading: 'What changed:',
  sectionsHeading: 'Sections changed:',
  moreSections: (n) => `… and ${n} more`,
  redline: 'See exactly what changed',
  fullText: 'Read the full text',
  contactHeading: 'Questions? Contact us:',
  phone: 'Phone',
  email: 'Email',
  address: 'Address',
  website: 'Website',
  footer:
    'You receive this email because you have an account with us and we notify every customer of policy changes.',
  availableIn: (language) => `This policy is available in ${language}.`,
};

const vi: EmailWording = {
  subject: ({ material, org, title, version }) =>
    material
      ? `[Quan trọng] ${org}: thay đổi “${title}” (phiên bản ${version})`
      : `${org}: cập nhật “${title}” (phiên bản ${version})`,
  greeting: (name) => (name ? `Xin chào ${name},` : 'Kính gửi Quý khách,'),
  intro: ({ title, version, date }) =>
    `Chúng tôi đã cập nhật “${title}”. Phiên bản ${version} có hiệu lực từ ${date}.`,
  firstVersion: 'Đây là phiên bản đầu tiên được công bố của chính sách này.',
  material:
    'Đây là thay đổi quan trọng: vui lòng xem kỹ nội dung thay đổi. Chúng tôi sẽ đề nghị Quý khách xác nhận phiên bản mới trong lần đăng nhập tiếp theo.',
  minor:
    'Đây là thay đổi nhỏ: Quý khách không cần thực hiện thao tác nào, sự đồng ý trước đây vẫn còn hiệu lực.',
  summaryHeading: 'Nội dung thay đổi:',
  sectionsHeading: 'Các mục đã thay đổi:',
  moreSections: (n) => `… và ${n} mục khác`,
  redline: 'Xem chi tiết những điểm thay đổi',
  fullText: 'Đọc toàn văn',
  contactHeading: 'Mọi thắc mắc xin liên hệ:',
  phone: 'Điện thoại',
  email: 'Email',
  address: 'Địa chỉ',
  website: 'Trang web',
  footer:
    'Quý khách nhận được email này vì có tài khoản với chúng tôi; chúng tôi thông báo mọi thay đổi chính sách tới tất cả khách hàng.',
  availableIn: (language) => `Chính sách này hiện chỉ có bằng ${language}.`,
};

const ja: EmailWording = {
  subject: ({ material, org, title, version }) =>
    material
      ? `【重要】${org}「${title}」改定のお知らせ（第${version}版）`
      : `${org}「${title}」更新のお知らせ（第${version}版）`,
  greeting: (name) => (name ? `${name} 様` : 'お客様各位'),
  intro: ({ title, version, date }) => `「${title}」を改定しました。第${version}版は${date}に発効します。`,
  firstVersion: '本ポリシーの最初の公開版です。',
  material: '重要な変更です。内容をご確認ください。次回ログイン時に新しい版への同意をお願いいたします。',
  minor: '軽微な変更です。お手続きは不要で、これまでの同意は引き続き有効です。',
  summaryHeading: '変更の概要：',
  sectionsHeading: '変更された条項：',
  moreSections: (n) => `ほか${n}件`,
  redline: '変更箇所を確認する',
  fullText: '全文を読む',
  contactHeading: 'お問い合わせ先：',
  phone: '電話',
  email: 'メール',
  address: '住所',
  website: 'ウェブサイト',
  footer: 'このメールは、当社にアカウントをお持ちのすべてのお客様にポリシーの変更をお知らせするものです。',
  availableIn: (language) => `このポリシーは${language}で提供されています。`,
};

export const wordings: Record<string, EmailWording> = { en, vi, ja };

/** Whether the email's frame (subject, greeting, instructions, footer) exists in this locale's language. */
export const hasWording = (locale: string) => Object.hasOwn(wordings, locale.split('-')[0]!.toLowerCase());

/** The wording for a locale: by its language subtag (`vi-VN` → `vi`), English when there is none. */
export function wordingFor(locale: string): { language: string; wording: EmailWording } {
  const language = locale.split('-')[0]!.toLowerCase();
  const wording = wordings[language];
  return wording ? { language, wording } : { language: 'en', wording: en };
}
